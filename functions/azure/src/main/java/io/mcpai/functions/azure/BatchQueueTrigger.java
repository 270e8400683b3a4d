package io.mcpai.functions.azure;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.annotation.BindingName;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.QueueTrigger;
import io.mcpai.app.serverless.BatchJobs;
import java.util.function.Consumer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.stereotype.Component;

/**
 * The Queue Storage trigger on {@code mcp-batch-jobs} (messages base64-encoded, host.json). A
 * message that does not start a job throws: the runtime makes it visible again and, after
 * host.json's {@code maxDequeueCount} (5), moves it to {@code mcp-batch-jobs-poison}.
 */
@Component
public class BatchQueueTrigger {
  private final ObjectProvider<BatchJobs> jobs;

  public BatchQueueTrigger(ObjectProvider<BatchJobs> jobs) {
    this.jobs = jobs;
  }

  @FunctionName("batchJobTrigger")
  public void run(
      @QueueTrigger(
              name = "message",
              queueName = "mcp-batch-jobs",
              connection = "AzureWebJobsStorage")
          String message,
      @BindingName("Id") String id,
      ExecutionContext context) {
    accept(MessageBuilder.withPayload(message).setHeader("id-from-queue", id).build());
  }

  void accept(Message<String> message) {
    String id = String.valueOf(message.getHeaders().get("id-from-queue"));
    BatchJobs.Outcome outcome = jobs.getObject().submit(id, message.getPayload());
    if (!outcome.started()) {
      throw new IllegalStateException(
          "batch message " + id + " not started (" + outcome.kind() + "): " + outcome.detail());
    }
  }

  /** The same step in the function catalog, for callers that go through it. */
  @Bean
  static Consumer<Message<String>> batchJobTrigger(ObjectProvider<BatchJobs> jobs) {
    BatchQueueTrigger t = new BatchQueueTrigger(jobs);
    return t::accept;
  }
}
