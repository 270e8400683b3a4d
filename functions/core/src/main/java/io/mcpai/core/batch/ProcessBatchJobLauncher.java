package io.mcpai.core.batch;

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
  static final String DEFAULT_COMMAND = "java -jar batch-pipeline/target/mcp-batch.jar";

  private final List<String> command;
  private final Path logDir;
  private final Map<String, Process> running = new ConcurrentHashMap<>();

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
      return new BatchJobHandle(request.jobId(), KIND, "pid " + p.pid() + ", log " + log);
    } catch (IOException e) {
      // A missing program or an unwritable log dir will not heal on redelivery.
      throw new BatchLaunchException(
          "could not start '" + String.join(" ", command) + "': " + e.getMessage(), false, e);
    }
  }
}
