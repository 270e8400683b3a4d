package io.mcpai.core.batch;

import io.mcpai.core.protocol.Problem;
import io.mcpai.core.protocol.ProtocolException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Starts each job as a child process running the batch command ({@code MCP_BATCH_COMMAND}, default
 * {@code java -jar batch-pipeline/target/mcp-batch.jar}) with the message's arguments, its output
 * in {@code <MCP_BATCH_LOG_DIR>/<job_id>.log}. The local runner's launcher, and the one for a
 * container or VM that hosts the functions; a job already running under this launcher is not
 * started twice.
 */
public final class ProcessBatchJobLauncher implements BatchJobLauncher {
  public static final String KIND = "process";
  static final int LOG_TAIL_LINES = 20;
  static final String DEFAULT_COMMAND = "java -jar batch-pipeline/target/mcp-batch.jar";

  private final List<String> command;
  private final Path logDir;
  private final Map<String, Process> running = new ConcurrentHashMap<>();
  private final Map<String, BatchJobRequest> requests = new ConcurrentHashMap<>();

  public ProcessBatchJobLauncher(List<String> command, Path logDir) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("MCP_BATCH_COMMAND is empty");
    }
    this.command = List.copyOf(command);
    this.logDir = logDir;
  }

  public static ProcessBatchJobLauncher fromEnvironment(Map<String, String> env) {
    String cmd = env.getOrDefault("MCP_BATCH_COMMAND", "");
    if (cmd.isBlank()) {
      cmd = DEFAULT_COMMAND;
    }
    String dir = env.getOrDefault("MCP_BATCH_LOG_DIR", "");
    Path logDir =
        dir.isBlank() ? Path.of(System.getProperty("java.io.tmpdir"), "mcp-batch") : Path.of(dir);
    return new ProcessBatchJobLauncher(Arrays.asList(cmd.trim().split("\\s+")), logDir);
  }

  public List<String> command() {
    return command;
  }

  @Override
  public synchronized BatchJobHandle launch(BatchJobRequest request) {
    Process existing = running.get(request.jobId());
    if (existing != null && existing.isAlive()) {
      return new BatchJobHandle(request.jobId(), KIND, "already running as pid " + existing.pid());
    }
    List<String> argv = new ArrayList<>(command);
    argv.addAll(request.commandArguments());
    Path log = logDir.resolve(request.jobId() + ".log");
    try {
      Files.createDirectories(logDir);
      Process p =
          new ProcessBuilder(argv)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
      running.put(request.jobId(), p);
      requests.put(request.jobId(), request);
      return new BatchJobHandle(request.jobId(), KIND, "pid " + p.pid() + ", log " + log);
    } catch (IOException e) {
      // A missing program or an unwritable log dir will not heal on redelivery.
      throw new BatchLaunchException(
          "could not start '" + String.join(" ", command) + "': " + e.getMessage(), false, e);
    }
  }

  /**
   * Running or exited (with its code) for a job this launcher started; for any other id, what its
   * log in {@code MCP_BATCH_LOG_DIR} says, as {@link BatchJobStatus#UNKNOWN}. Counts the lines of
   * {@code results*.jsonl} and {@code errors*.jsonl} when the job's output is a local directory.
   */
  @Override
  public BatchJobStatus status(String jobId) {
    if (!BatchJobRequest.isValidJobId(jobId)) {
      throw ProtocolException.of(
          List.of(Problem.invalid("job_id", "must be 1-64 letters, digits, '.', '_' or '-'")));
    }
    Path log = logDir.resolve(jobId + ".log");
    List<String> tail = BatchFiles.tail(log, LOG_TAIL_LINES);
    Process p = running.get(jobId);
    BatchJobRequest request = requests.get(jobId);
    Long results = request == null ? null : BatchFiles.countLines(request.output(), "results");
    Long errors = request == null ? null : BatchFiles.countLines(request.output(), "errors");
    if (p == null) {
      String detail =
          Files.exists(log)
              ? "not started by this process; its log is " + log
              : "no job '" + jobId + "' was started here and there is no log " + log;
      return new BatchJobStatus(jobId, BatchJobStatus.UNKNOWN, null, detail, tail, null, null);
    }
    String detail = "pid " + p.pid() + ", log " + log;
    return p.isAlive()
        ? new BatchJobStatus(jobId, BatchJobStatus.RUNNING, null, detail, tail, results, errors)
        : new BatchJobStatus(
            jobId, BatchJobStatus.EXITED, p.exitValue(), detail, tail, results, errors);
  }
}
