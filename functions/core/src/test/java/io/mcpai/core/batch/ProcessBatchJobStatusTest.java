package io.mcpai.core.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpai.core.protocol.ProtocolException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real child process that writes results, waits to be released, and exits with a code. */
class ProcessBatchJobStatusTest {

  @Test
  void reportsRunningThenExitedWithCodeLogTailAndOutputCounts(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("out");
    Path release = dir.resolve("release");
    // Writes 3 results and 1 error, then waits for the release file and exits with 3.
    Path script = dir.resolve("fake-batch.sh");
    Files.writeString(
        script,
        """
        #!/bin/sh
        echo "args: $@"
        mkdir -p %1$s
        printf '{"custom_id":"a"}\\n{"custom_id":"b"}\\n' > %1$s/results-00000-of-00002.jsonl
        printf '{"custom_id":"c"}\\n' > %1$s/results-00001-of-00002.jsonl
        printf '{"custom_id":"d"}\\n' > %1$s/errors.jsonl
        echo "wrote output"
        while [ ! -f %2$s ]; do sleep 0.05; done
        echo "done"
        exit 3
        """
            .formatted(out, release));
    ProcessBatchJobLauncher launcher =
        ProcessBatchJobLauncher.fromEnvironment(
            Map.of("MCP_BATCH_COMMAND", "sh " + script, "MCP_BATCH_LOG_DIR", dir.toString()));
    launcher.launch(
        BatchJobRequest.parse(
            "{\"job_id\": \"j1\", \"input\": \"in.jsonl\", \"output\": \"" + out + "\"}"));

    BatchJobStatus running = awaitLog(launcher, "wrote output");
    assertEquals(BatchJobStatus.RUNNING, running.state());
    assertNull(running.exitCode());
    assertEquals(3L, running.resultLines());
    assertEquals(1L, running.errorLines());
    assertTrue(running.logTail().get(0).startsWith("args: run --input in.jsonl"));

    Files.writeString(release, "");
    BatchJobStatus exited = awaitLog(launcher, "done");
    for (int i = 0; i < 400 && !exited.state().equals(BatchJobStatus.EXITED); i++) {
      Thread.sleep(25);
      exited = launcher.status("j1");
    }
    assertEquals(BatchJobStatus.EXITED, exited.state());
    assertEquals(3, exited.exitCode());
    assertEquals("done", exited.logTail().get(exited.logTail().size() - 1));
  }

  @Test
  void anUnknownJobIsUnknownAndABadIdNamesTheField(@TempDir Path dir) {
    ProcessBatchJobLauncher launcher = new ProcessBatchJobLauncher(List.of("true"), dir);
    BatchJobStatus s = launcher.status("never-started");
    assertEquals(BatchJobStatus.UNKNOWN, s.state());
    assertTrue(s.detail().contains("never-started"), s.detail());
    assertTrue(s.logTail().isEmpty());
    ProtocolException e = assertThrows(ProtocolException.class, () -> launcher.status("../etc"));
    assertEquals("job_id", e.problems().get(0).param());
  }

  /** Polls (bounded) until the job's log holds {@code line}; the job writes it in milliseconds. */
  private static BatchJobStatus awaitLog(ProcessBatchJobLauncher launcher, String line)
      throws InterruptedException {
    BatchJobStatus s = launcher.status("j1");
    for (int i = 0; i < 400 && !s.logTail().contains(line); i++) {
      Thread.sleep(25);
      s = launcher.status("j1");
    }
    assertTrue(s.logTail().contains(line), s.logTail().toString());
    return s;
  }
}
