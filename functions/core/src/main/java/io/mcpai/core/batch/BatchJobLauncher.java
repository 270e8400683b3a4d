package io.mcpai.core.batch;

import java.util.Map;

/**
 * Starts a batch job described by a queue message; the queue-triggered functions call it. It
 * returns once the job has started (not finished): a function's time limit is far shorter than a
 * job.
 *
 * <p>Implementations are picked by {@code MCP_BATCH_LAUNCHER} through {@link
 * BatchJobLaunchers#fromEnvironment}: {@code process} (built in) or any {@link Factory} found by
 * {@link java.util.ServiceLoader}.
 */
public interface BatchJobLauncher {

  /**
   * Starts the job.
   *
   * @throws BatchLaunchException when it could not be started; {@code retryable} says whether the
   *     queue should redeliver the message (a transient failure) or dead-letter it
   */
  BatchJobHandle launch(BatchJobRequest request);

  /**
   * What is known about a job this launcher may have started; launchers that cannot tell answer
   * {@link BatchJobStatus#UNKNOWN}.
   */
  default BatchJobStatus status(String jobId) {
    return new BatchJobStatus(
        jobId,
        BatchJobStatus.UNKNOWN,
        null,
        getClass().getSimpleName() + " does not report job status",
        null,
        null,
        null);
  }

  /** Creates a launcher of one kind from the environment. */
  interface Factory {
    /** The {@code MCP_BATCH_LAUNCHER} value that selects this factory. */
    String kind();

    BatchJobLauncher create(Map<String, String> env);
  }
}
