package io.mcpai.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcpai.core.batch.BatchJobRequest;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;

/** The command line: the queue message's arguments, Beam options, and what the jar can read. */
class RunCommandTest {
  static final Map<String, String> ENV = Map.of("MCP_MODEL_SERVICE_AWS", "http://127.0.0.1:9");

  @Test
  void acceptsExactlyTheArgumentsAQueueMessageProduces() {
    BatchJobRequest job =
        BatchJobRequest.parse(
            "{\"v\":1,\"input\":\"/data/in/*.jsonl\",\"output\":\"/data/out\","
                + "\"runner\":\"DirectRunner\",\"options\":{\"maxBatchSize\":\"8\","
                + "\"maxRetries\":\"2\"}}");
    List<String> argv = job.commandArguments();
    assertThat(argv.get(0)).isEqualTo("run");
    BatchOptions o = RunCommand.options(argv.subList(1, argv.size()), ENV);
    assertThat(o.getInput()).isEqualTo("/data/in/*.jsonl");
    assertThat(o.getOutput()).isEqualTo("/data/out/");
    assertThat(o.getJobId()).isEqualTo(job.jobId()).startsWith("job-");
    assertThat(o.getRunner().getSimpleName()).isEqualTo("DirectRunner");
    assertThat(o.getMaxBatchSize()).isEqualTo(8);
    assertThat(o.getMaxRetries()).isEqualTo(2);
    assertThat(o.getProvidersYaml()).contains("aws").contains("http://127.0.0.1:9");
  }

  @Test
  void withoutAJobIdTheIdIsTheOneAMessageWithoutJobIdGets() {
    BatchOptions o = RunCommand.options(List.of("--input", "a.jsonl", "--output", "out"), ENV);
    assertThat(o.getJobId())
        .isEqualTo(BatchJobRequest.parse("{\"input\":\"a.jsonl\",\"output\":\"out\"}").jobId());
  }

  @Test
  void refusesWhatItCannotRun() {
    assertThatThrownBy(() -> RunCommand.options(List.of("--input", "a"), ENV))
        .hasMessageContaining("--output");
    assertThatThrownBy(() -> RunCommand.options(List.of("--input", "a", "--output", "b"), Map.of()))
        .hasMessageContaining("MCP_PROVIDERS_FILE");
    assertThatThrownBy(
            () ->
                RunCommand.options(
                    List.of("--input", "a", "--output", "b", "--batching=sometimes"), ENV))
        .hasMessageContaining("--batching");
    assertThatThrownBy(
            () ->
                RunCommand.options(
                    List.of("--input", "a", "--output", "b", "--maxBatchSise=3"), ENV))
        .hasMessageContaining("maxBatchSise");
  }

  @Test
  void sparkBatchesInsideTheCallFunction() {
    BatchOptions o = PipelineOptionsFactory.fromArgs("--batching=auto").as(BatchOptions.class);
    assertThat(BulkPipeline.useGroupIntoBatches(o)).isTrue();
    o.setBatching("bundle");
    assertThat(BulkPipeline.useGroupIntoBatches(o)).isFalse();
  }

  @Test
  void readsAndWritesCloudStoragePaths() {
    FileSystems.setDefaultPipelineOptions(PipelineOptionsFactory.create());
    for (String uri :
        List.of(
            "gs://bucket/prompts/a.jsonl",
            "s3://bucket/prompts/a.jsonl",
            "azfs://account/container/prompts/a.jsonl")) {
      assertThat(FileSystems.matchNewResource(uri, false).getScheme())
          .isEqualTo(uri.substring(0, uri.indexOf(':')));
    }
  }
}
