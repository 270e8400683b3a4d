package io.mcpai.functions.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.functions.Context;
import io.mcpai.app.serverless.BatchJobs;
import io.mcpai.core.protocol.ProtocolJson;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.function.Consumer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.messaging.Message;

/**
 * A Pub/Sub message to a batch job. Spring Cloud Function's GCP invoker hands over the event as
 * JSON text: the Pub/Sub message itself ({@code {"data": base64, "attributes", "messageId"}}, the
 * background-event form the functions framework makes of a CloudEvent) or a push envelope ({@code
 * {"message": {...}, "subscription"}}). A message that does not start a job throws, so the
 * framework answers an error, Pub/Sub redelivers, and after the subscription's maximum delivery
 * attempts the message goes to the dead-letter topic {@code mcp-batch-jobs-dlq}. (The trigger needs
 * retries on: {@code retry_policy = RETRY_POLICY_RETRY}.)
 */
public final class PubSubBatchTrigger implements Consumer<Message<String>> {
  private final ObjectProvider<BatchJobs> jobs;

  public PubSubBatchTrigger(ObjectProvider<BatchJobs> jobs) {
    this.jobs = jobs;
  }

  @Override
  public void accept(Message<String> event) {
    JsonNode root;
    try {
      root = ProtocolJson.mapper().readTree(event.getPayload());
    } catch (Exception e) {
      throw new IllegalArgumentException("the Pub/Sub event is not JSON: " + e.getMessage(), e);
    }
    JsonNode message = root.has("message") ? root.get("message") : root;
    String id = message.path("messageId").asText(message.path("message_id").asText(null));
    if (id == null && event.getHeaders().get("ce-id") instanceof String ceId) {
      id = ceId;
    }
    if (id == null && event.getHeaders().get("gcf_context") instanceof Context context) {
      id = context.eventId(); // the background form carries the message id as the event id
    }
    String data = message.path("data").asText("");
    String body;
    try {
      body = new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      body = ""; // not base64: BatchJobs rejects the empty message, naming it
    }
    BatchJobs.Outcome outcome = jobs.getObject().submit(id, body);
    if (!outcome.started()) {
      throw new BatchMessageFailed(id, outcome);
    }
  }

  /** Thrown so the framework answers an error and Pub/Sub redelivers or dead-letters. */
  public static final class BatchMessageFailed extends RuntimeException {
    private final transient BatchJobs.Outcome outcome;

    BatchMessageFailed(String messageId, BatchJobs.Outcome outcome) {
      super(
          "batch message "
              + messageId
              + " not started ("
              + outcome.kind()
              + "): "
              + outcome.detail());
      this.outcome = outcome;
    }

    public BatchJobs.Outcome outcome() {
      return outcome;
    }
  }
}
