package io.mcpai.functions.gcp;

import com.google.cloud.functions.CloudEventsFunction;
import io.cloudevents.CloudEvent;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;

/**
 * The Pub/Sub entry point for Cloud Functions gen2, where an event function receives a CloudEvent
 * ({@code google.cloud.pubsub.topic.v1.messagePublished}, data {@code {"message": {...},
 * "subscription"}}) and must implement {@link CloudEventsFunction}; Spring Cloud Function's {@code
 * GcfJarLauncher} is a background function (signature type {@code event}, gen1). Both hand the
 * message to the same {@code batchJobTrigger} bean; a message that does not start a job throws, so
 * Pub/Sub redelivers it and then dead-letters it.
 */
public final class GcpPubSubTrigger implements CloudEventsFunction {
  private final Consumer<Message<String>> trigger;

  @SuppressWarnings("unchecked")
  public GcpPubSubTrigger() {
    this.trigger =
        GcpHttpGateway.context()
            .getBean(org.springframework.cloud.function.context.FunctionCatalog.class)
            .lookup(Consumer.class, "batchJobTrigger");
  }

  @Override
  public void accept(CloudEvent event) {
    String data =
        event.getData() == null
            ? ""
            : new String(event.getData().toBytes(), StandardCharsets.UTF_8);
    trigger.accept(MessageBuilder.withPayload(data).setHeader("ce-id", event.getId()).build());
  }
}
