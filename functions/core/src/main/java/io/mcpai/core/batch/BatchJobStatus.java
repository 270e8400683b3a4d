package io.mcpai.core.batch;

import java.util.List;

/**
 * What a launcher knows about a job it was asked about.
 *
 * @param jobId the job's id
 * @param state {@link #RUNNING}, {@link #EXITED}, or {@link #UNKNOWN} (not started by this
 *     launcher, or started by an earlier process; the log and output may still tell)
 * @param exitCode the process's exit code once {@link #EXITED}, else null
 * @param detail where to follow the job (pid, log file, job URL), or why nothing is known
 * @param logTail the last lines of the job's log, oldest first (empty when there is no log)
 * @param resultLines lines in the job's local results files, or null when the output is not local
 *     or not written yet
 * @param errorLines lines in the job's local errors files, or null likewise
 */
public record BatchJobStatus(
    String jobId,
    String state,
    Integer exitCode,
    String detail,
    List<String> logTail,
    Long resultLines,
    Long errorLines) {
  public static final String RUNNING = "running";
  public static final String EXITED = "exited";
  public static final String UNKNOWN = "unknown";

  public BatchJobStatus {
    logTail = logTail == null ? List.of() : List.copyOf(logTail);
  }
}
