package io.mcpai.core.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.mcpai.core.protocol.Problem;
import io.mcpai.core.protocol.ProtocolException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchJobRequestTest {

  @Test
  void readsAFullMessageAndRoundTrips() {
    BatchJobRequest r =
        BatchJobRequest.parse(
            """
            {"v": 1, "job_id": "nightly-1", "input": "s3://b/in/*.jsonl", "output": "s3://b/out/",
             "runner": "FlinkRunner", "options": {"maxBatchSize": 16, "flinkMaster": "[local]"}}
            """);
    assertEquals("nightly-1", r.jobId());
    assertEquals("FlinkRunner", r.runner());
    assertEquals(Map.of("maxBatchSize", "16", "flinkMaster", "[local]"), r.options());
    assertEquals(r, BatchJobRequest.parse(r.toJson()));
    assertEquals(
        List.of(
            "run",
            "--input",
            "s3://b/in/*.jsonl",
            "--output",
            "s3://b/out/",
            "--job-id",
            "nightly-1",
            "--runner=FlinkRunner",
            "--maxBatchSize=16",
            "--flinkMaster=[local]"),
        r.commandArguments());
  }

  @Test
  void aRedeliveredMessageWithoutIdNamesTheSameJob() {
    String msg = "{\"input\": \"in.jsonl\", \"output\": \"out\"}";
    BatchJobRequest a = BatchJobRequest.parse(msg);
    assertEquals(a.jobId(), BatchJobRequest.parse(msg).jobId());
    assertTrue(a.jobId().matches("job-[0-9a-f]{16}"), a.jobId());
    assertEquals(BatchJobRequest.DEFAULT_RUNNER, a.runner());
    assertTrue(
        !a.jobId()
            .equals(
                BatchJobRequest.parse("{\"input\": \"in.jsonl\", \"output\": \"o2\"}").jobId()));
  }

  @Test
  void reportsEveryProblemWithItsField() {
    ProtocolException e =
        assertThrows(
            ProtocolException.class,
            () ->
                BatchJobRequest.parse(
                    """
                    {"v": 2, "input": "", "runner": "Nope", "job_id": "a b",
                     "options": {"input": "x", "ok": {"a": 1}}, "extra": true}
                    """));
    assertEquals(422, e.status());
    List<String> params = e.problems().stream().map(Problem::param).sorted().toList();
    assertEquals(
        List.of("extra", "input", "job_id", "options.input", "options.ok", "output", "runner", "v"),
        params);
  }

  @Test
  void malformedBodiesAre400() {
    for (String body : new String[] {"", "not json", "[1]", "{\"input\": 1"}) {
      ProtocolException e =
          assertThrows(ProtocolException.class, () -> BatchJobRequest.parse(body), body);
      assertEquals(400, e.status(), body);
    }
  }

  @Test
  void theProcessLauncherStartsTheCommandWithTheJobsArguments(@TempDir Path dir) throws Exception {
    // A real child process: a shell script echoes its arguments into the job's log.
    Path script = dir.resolve("fake-batch.sh");
    Files.writeString(script, "#!/bin/sh\necho \"$@\"\n");
    ProcessBatchJobLauncher launcher =
        ProcessBatchJobLauncher.fromEnvironment(
            Map.of("MCP_BATCH_COMMAND", "sh " + script, "MCP_BATCH_LOG_DIR", dir.toString()));
    BatchJobRequest req =
        BatchJobRequest.parse("{\"job_id\": \"j1\", \"input\": \"i\", \"output\": \"o\"}");
    BatchJobHandle h = launcher.launch(req);
    assertEquals("j1", h.jobId());
    assertEquals("process", h.launcher());
    Path log = dir.resolve("j1.log");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while ((!Files.exists(log) || Files.readString(log).isBlank())
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(
        "run --input i --output o --job-id j1 --runner=DirectRunner", Files.readString(log).trim());
  }

  @Test
  void aMissingProgramIsANonRetryableLaunchFailure(@TempDir Path dir) {
    BatchJobLauncher launcher =
        BatchJobLaunchers.fromEnvironment(
            Map.of(
                "MCP_BATCH_COMMAND",
                "/nonexistent/mcp-batch",
                "MCP_BATCH_LOG_DIR",
                dir.toString()));
    BatchLaunchException e =
        assertThrows(
            BatchLaunchException.class,
            () -> launcher.launch(BatchJobRequest.parse("{\"input\": \"i\", \"output\": \"o\"}")));
    assertTrue(!e.retryable());
    assertTrue(e.getMessage().contains("/nonexistent/mcp-batch"), e.getMessage());
  }

  @Test
  void anUnknownLauncherKindFailsNamingTheSetting() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                BatchJobLaunchers.fromEnvironment(Map.of("MCP_BATCH_LAUNCHER", "carrier-pigeon")));
    assertTrue(e.getMessage().contains("MCP_BATCH_LAUNCHER"), e.getMessage());
  }
}
