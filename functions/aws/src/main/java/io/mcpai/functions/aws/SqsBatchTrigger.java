package io.mcpai.functions.aws;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.mcpai.app.serverless.BatchJobs;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.springframework.beans.factory.ObjectProvider;

/**
 * SQS to batch jobs, one message at a time, reporting partial batch failures: every message that
 * did not start a job (invalid, or the launcher failed) is listed in {@code batchItemFailures}, so
 * SQS makes it visible again and, after {@code maxReceiveCount}, moves it to {@code
 * mcp-batch-jobs-dlq}. Messages that started a job are deleted. Needs {@code
 * ReportBatchItemFailures} on the event source mapping.
 */
public final class SqsBatchTrigger implements Function<SQSEvent, SQSBatchResponse> {
  private final ObjectProvider<BatchJobs> jobs;

  public SqsBatchTrigger(ObjectProvider<BatchJobs> jobs) {
    this.jobs = jobs;
  }

  @Override
  public SQSBatchResponse apply(SQSEvent event) {
    List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
    if (event.getRecords() != null) {
      for (SQSEvent.SQSMessage m : event.getRecords()) {
        if (!jobs.getObject().submit(m.getMessageId(), m.getBody()).started()) {
          failures.add(new SQSBatchResponse.BatchItemFailure(m.getMessageId()));
        }
      }
    }
    return new SQSBatchResponse(failures);
  }
}
