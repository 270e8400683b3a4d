package io.mcpai.app.serverless;

import io.mcpai.core.batch.BatchJobHandle;
import io.mcpai.core.batch.BatchJobLauncher;
import io.mcpai.core.batch.BatchJobRequest;
import io.mcpai.core.batch.BatchLaunchException;
import io.mcpai.core.protocol.ProtocolException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every queue trigger does with one message: parse it (schema v1), start the job, and say how
 * it went. Anything but a started job is a failure the trigger reports to its queue, so the message
 * is redelivered and, after the queue's limit, dead-lettered: never silently dropped.
 */
public final class BatchJobs {
  private static final Logger log = LoggerFactory.getLogger(BatchJobs.class);

  private final BatchJobLauncher launcher;

  public BatchJobs(BatchJobLauncher launcher) {
    this.launcher = launcher;
  }

  /** How one message ended. */
  public enum Kind {
    /** The job started (or was already running). */
    STARTED,
    /** The message is invalid: retrying cannot help; it should end in the dead-letter queue. */
    REJECTED,
    /** The launcher failed transiently: the queue should redeliver. */
    RETRY,
    /** The launcher failed for good (e.g. the batch command is missing). */
    FAILED
  }

  /**
   * @param jobId the job's id when the message named or implied one
   * @param detail where to follow the job, or why it did not start (a JSON error for REJECTED)
   */
  public record Outcome(Kind kind, String jobId, String detail) {
    public boolean started() {
      return kind == Kind.STARTED;
    }
  }

  /**
   * @param messageId the queue's id for the message, for the log
   */
  public Outcome submit(String messageId, String body) {
    BatchJobRequest request;
    try {
      request = BatchJobRequest.parse(body);
    } catch (ProtocolException e) {
      log.warn(
          "batch message {} rejected ({}), it will be dead-lettered: {}",
          messageId,
          e.status(),
          e.toJson());
      return new Outcome(Kind.REJECTED, null, e.toJson());
    }
    try {
      BatchJobHandle h = launcher.launch(request);
      log.info(
          "batch message {} started job {} via {}: {}",
          messageId,
          h.jobId(),
          h.launcher(),
          h.detail());
      return new Outcome(Kind.STARTED, h.jobId(), h.detail());
    } catch (BatchLaunchException e) {
      Kind kind = e.retryable() ? Kind.RETRY : Kind.FAILED;
      log.error(
          "batch message {} (job {}) did not start, {}: {}",
          messageId,
          request.jobId(),
          e.retryable() ? "will be redelivered" : "not retryable, it will be dead-lettered",
          e.getMessage());
      return new Outcome(kind, request.jobId(), e.getMessage());
    }
  }
}
