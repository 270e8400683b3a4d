package io.mcpai.app.contract;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real batch command for queue tests, standing in for {@code mcp-batch.jar} (built elsewhere): a
 * shell script that prints its arguments. The process launcher writes a job's output to {@code
 * <MCP_BATCH_LOG_DIR>/<job_id>.log}, so a started job leaves its exact argument list there.
 */
public final class RecordingBatchCommand {
  public final Path logDir;
  public final Path script;

  public RecordingBatchCommand() throws IOException {
    Path dir = Files.createTempDirectory("mcp-batch-test");
    logDir = dir.resolve("logs");
    script = dir.resolve("record-args.sh");
    Files.writeString(script, "#!/bin/sh\necho \"ARGS $*\"\n");
  }

  /** The settings that make the process launcher run this script. */
  public void apply() {
    System.setProperty("MCP_BATCH_LAUNCHER", "process");
    System.setProperty("MCP_BATCH_COMMAND", "sh " + script);
    System.setProperty("MCP_BATCH_LOG_DIR", logDir.toString());
  }

  /** The argument line the job with this id was started with, waiting for it to be written. */
  public String argumentsOf(String jobId, Duration wait) throws Exception {
    Path log = logDir.resolve(jobId + ".log");
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(log)) {
        List<String> lines = Files.readAllLines(log);
        for (String l : lines) {
          if (l.startsWith("ARGS ")) {
            return l.substring(5);
          }
        }
      }
      Thread.sleep(50);
    }
    return null;
  }

  /** The ids of every job started so far. */
  public List<String> startedJobs() throws IOException {
    if (!Files.isDirectory(logDir)) {
      return List.of();
    }
    try (var s = Files.list(logDir)) {
      return s.map(p -> p.getFileName().toString().replace(".log", "")).sorted().toList();
    }
  }
}
