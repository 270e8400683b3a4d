package io.mcpai.app.serverless;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpai.core.batch.BatchLaunchException;
import io.mcpai.core.batch.ProcessBatchJobLauncher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every way a queue message can end, as the three queue triggers see it. */
class BatchJobsTest {
  static final String GOOD =
      "{\"v\":1,\"job_id\":\"j1\",\"input\":\"in.jsonl\",\"output\":\"out/\"}";

  @Test
  void anInvalidMessageIsRejectedNamingTheField() {
    BatchJobs.Outcome o = new BatchJobs(r -> null).submit("m1", "{\"v\":1,\"input\":\"in.jsonl\"}");
    assertThat(o.kind()).isEqualTo(BatchJobs.Kind.REJECTED);
    assertThat(o.started()).isFalse();
    assertThat(o.detail()).contains("\"param\":\"output\"");
  }

  @Test
  void aMissingBatchCommandFailsForGoodSoTheMessageDeadLetters() throws Exception {
    Path logs = Files.createTempDirectory("batch-logs");
    BatchJobs jobs =
        new BatchJobs(new ProcessBatchJobLauncher(List.of("/nonexistent/mcp-batch-command"), logs));
    BatchJobs.Outcome o = jobs.submit("m2", GOOD);
    assertThat(o.kind()).isEqualTo(BatchJobs.Kind.FAILED);
    assertThat(o.jobId()).isEqualTo("j1");
    assertThat(o.detail()).contains("/nonexistent/mcp-batch-command");
  }

  @Test
  void aTransientLaunchFailureAsksForRedelivery() {
    BatchJobs jobs =
        new BatchJobs(
            r -> {
              throw new BatchLaunchException("cluster busy", true, null);
            });
    BatchJobs.Outcome o = jobs.submit("m3", GOOD);
    assertThat(o.kind()).isEqualTo(BatchJobs.Kind.RETRY);
    assertThat(o.detail()).isEqualTo("cluster busy");
  }

  @Test
  void aStartedJobIsReportedWithWhereToFollowIt() throws Exception {
    Path logs = Files.createTempDirectory("batch-logs");
    BatchJobs jobs = new BatchJobs(new ProcessBatchJobLauncher(List.of("true"), logs));
    BatchJobs.Outcome o = jobs.submit("m4", GOOD);
    assertThat(o.started()).isTrue();
    assertThat(o.detail()).contains("pid").contains(logs.resolve("j1.log").toString());
  }
}
