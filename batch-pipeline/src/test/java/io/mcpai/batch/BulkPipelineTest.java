package io.mcpai.batch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bulk pipeline end to end on real inference endpoints: every valid prompt answered exactly
 * once, refused and poison lines in the errors with their reasons, and a re-run that calls nothing.
 */
class BulkPipelineTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path tmp;
  static LocalEndpoints endpoints;

  @BeforeAll
  static void start() throws Exception {
    endpoints = LocalEndpoints.start(tmp.resolve("model-cache"), 3);
  }

  @AfterAll
  static void stop() {
    endpoints.close();
  }

  static Path providersFile() throws Exception {
    Path f = tmp.resolve("providers.yaml");
    Files.writeString(f, endpoints.providersYaml());
    return f;
  }

  static List<JsonNode> lines(Path file) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String l : Files.readAllLines(file)) {
      if (!l.isBlank()) {
        out.add(JSON.readTree(l));
      }
    }
    return out;
  }

  static RunCommand.Summary run(Path input, Path output, String jobId, String... extra)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--input",
                input.toString(),
                "--output",
                output.toString(),
                "--job-id",
                jobId,
                "--progressSeconds=3"));
    args.addAll(List.of(extra));
    BatchOptions o =
        RunCommand.options(args, Map.of("MCP_PROVIDERS_FILE", providersFile().toString()));
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    RunCommand.Summary s = RunCommand.run(o, new PrintStream(log, true));
    System.out.print(log);
    return s;
  }

  /** Asserts the merged output: each valid id once with an answer, each refusal with its reason. */
  static void assertComplete(Prompts prompts, Path out, String jobId) throws Exception {
    Map<String, JsonNode> results = new HashMap<>();
    for (JsonNode r : lines(out.resolve("results.jsonl"))) {
      assertThat(results.put(r.get("custom_id").asText(), r)).as("duplicate result").isNull();
    }
    assertThat(results.keySet()).containsExactlyInAnyOrderElementsOf(prompts.validIds);
    for (String id : prompts.validIds) {
      JsonNode r = results.get(id);
      int n = Integer.parseInt(id.substring(1));
      if (n % 3 == 2) {
        assertThat(r.at("/response/status_code").asInt()).isEqualTo(200);
        assertThat(r.at("/response/body/object").asText()).isEqualTo("chat.completion");
        assertThat(r.at("/response/body/usage/completion_tokens").asInt()).isBetween(1, 4);
      } else {
        assertThat(r.get("job_id").asText()).isEqualTo(jobId);
        assertThat(r.at("/usage/completion_tokens").asInt()).isBetween(1, 4);
        assertThat(r.get("provider").asText()).isIn(LocalEndpoints.NAMES);
      }
    }
    List<JsonNode> errors = lines(out.resolve("errors.jsonl"));
    Map<String, JsonNode> byId = new HashMap<>();
    int withoutId = 0;
    int duplicates = 0;
    for (JsonNode e : errors) {
      assertThat(e.at("/error/message").asText()).isNotBlank();
      assertThat(e.get("source").asText()).contains("prompts.jsonl:");
      if (e.get("stage").asText().equals("duplicate")) {
        duplicates++;
        assertThat(e.get("custom_id").asText()).isEqualTo("q1");
      } else if (e.get("custom_id").isNull()) {
        withoutId++;
      } else {
        byId.put(e.get("custom_id").asText(), e);
      }
    }
    assertThat(withoutId).isEqualTo(prompts.refusedWithoutId);
    assertThat(duplicates).isEqualTo(1);
    assertThat(byId.keySet()).containsExactlyInAnyOrderElementsOf(prompts.expectedErrors.keySet());
    prompts.expectedErrors.forEach(
        (id, reason) -> {
          assertThat(byId.get(id).toString()).contains(reason);
          assertThat(byId.get(id).get("retryable").asBoolean()).isFalse();
        });
    for (String id : prompts.poisonIds) {
      assertThat(byId.get(id).get("status").asInt()).isEqualTo(413);
      assertThat(byId.get(id).get("stage").asText()).isEqualTo("call");
    }
  }

  @Test
  void directRunnerAnswersEveryPromptOnceAndAReRunCallsNothing() throws Exception {
    Prompts prompts = new Prompts();
    Path dir = Files.createDirectories(tmp.resolve("direct"));
    Path input = prompts.write(dir.resolve("prompts.jsonl"), 2000, 2);
    Path out = dir.resolve("out");
    RunCommand.Summary s = run(input, out, "direct-1", "--maxBatchSize=16");
    assertThat(s.state()).isEqualTo("DONE");
    assertThat(s.done()).isEqualTo(2000);
    assertThat(s.poisonIsolated()).isEqualTo(2);
    assertComplete(prompts, out, "direct-1");
    // The job's token counters add up to the usage its results report.
    long promptTokens = 0;
    long completionTokens = 0;
    for (JsonNode r : lines(out.resolve("results.jsonl"))) {
      JsonNode usage = r.has("usage") ? r.get("usage") : r.at("/response/body/usage");
      promptTokens += usage.get("prompt_tokens").asLong();
      completionTokens += usage.get("completion_tokens").asLong();
    }
    assertThat(promptTokens).isPositive();
    assertThat(MetricsEndpoint.scrape("direct-1"))
        .contains("mcp_batch_tokens_total{job_id=\"direct-1\",kind=\"prompt\"} " + promptTokens)
        .contains(
            "mcp_batch_tokens_total{job_id=\"direct-1\",kind=\"completion\"} " + completionTokens);
    for (String id : prompts.validIds) {
      assertThat(endpoints.generatedFor(IdempotencyKey.of("direct-1", id)))
          .as("answers generated for %s", id)
          .isEqualTo(1);
    }

    // Same input, same output: everything is done already, nothing is called again.
    int before = endpoints.generated.size();
    RunCommand.Summary again = run(input, out, "direct-1");
    assertThat(again.done()).isZero();
    assertThat(again.skippedDone()).isEqualTo(2000 + prompts.expectedErrors.size());
    assertThat(endpoints.generated.size()).isEqualTo(before);
    assertComplete(prompts, out, "direct-1");
  }

  @Test
  void flinkRunnerLocalAnswersEveryPromptOnce() throws Exception {
    Prompts prompts = new Prompts();
    Path dir = Files.createDirectories(tmp.resolve("flink"));
    Path input = prompts.write(dir.resolve("prompts.jsonl"), 1000, 1);
    Path out = dir.resolve("out");
    RunCommand.Summary s =
        run(
            input,
            out,
            "flink-1",
            "--runner=FlinkRunner",
            "--flinkMaster=[local]",
            "--parallelism=2",
            "--maxBatchSize=16");
    assertThat(s.state()).isEqualTo("DONE");
    assertThat(s.done()).isEqualTo(1000);
    assertComplete(prompts, out, "flink-1");
    for (String id : prompts.validIds) {
      assertThat(endpoints.generatedFor(IdempotencyKey.of("flink-1", id))).isEqualTo(1);
    }
  }

  /** Ids in the result parts written so far. */
  static java.util.Set<String> idsInResultParts(Path out) throws Exception {
    java.util.Set<String> ids = new java.util.HashSet<>();
    Path parts = out.resolve("parts");
    if (!Files.isDirectory(parts)) {
      return ids;
    }
    try (var files = Files.list(parts)) {
      for (Path f : files.filter(f -> f.getFileName().toString().startsWith("results-")).toList()) {
        for (JsonNode r : lines(f)) {
          ids.add(r.get("custom_id").asText());
        }
      }
    }
    return ids;
  }

  @Test
  void aKilledRunResumesWithoutCallingDoneIdsAgain() throws Exception {
    Prompts prompts = new Prompts();
    Path dir = Files.createDirectories(tmp.resolve("killed"));
    Path input = prompts.write(dir.resolve("prompts.jsonl"), 1500, 1);
    Path out = dir.resolve("out");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            "io.mcpai.batch.Main",
            "run",
            "--input",
            input.toString(),
            "--output",
            out.toString(),
            "--job-id",
            "killed-1",
            "--maxBatchSize=8",
            "--progressSeconds=2");
    pb.environment().put("MCP_PROVIDERS_FILE", providersFile().toString());
    pb.redirectErrorStream(true).redirectOutput(dir.resolve("first-run.log").toFile());
    Process first = pb.start();
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (idsInResultParts(out).size() < 200) {
      assertThat(first.isAlive()).as("the first run ended before it was killed").isTrue();
      assertThat(System.nanoTime()).as("no results within 2 minutes").isLessThan(deadline);
      Thread.sleep(100);
    }
    first.destroyForcibly().waitFor();
    java.util.Set<String> doneBeforeKill = idsInResultParts(out);
    assertThat(doneBeforeKill.size()).isLessThan(1500);

    RunCommand.Summary s = run(input, out, "killed-1");
    assertThat(s.skippedDone()).isGreaterThanOrEqualTo(doneBeforeKill.size());
    assertThat(s.done()).isEqualTo(1500 - doneBeforeKill.size());
    assertComplete(prompts, out, "killed-1");
    for (String id : doneBeforeKill) {
      assertThat(endpoints.generatedFor(IdempotencyKey.of("killed-1", id)))
          .as("answers generated for %s, done before the kill", id)
          .isEqualTo(1);
    }
  }

  @Test
  void promptsNoProviderCouldTakeAreRetryableAndARerunAnswersThem() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("down"));
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      lines.add(Prompts.protocol("d" + i, "Say something about " + i + "."));
    }
    Path input = Files.write(dir.resolve("prompts.jsonl"), lines);
    Path out = dir.resolve("out");
    Path nowhere = dir.resolve("down.yaml");
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      // A port nobody listens on once the socket is closed.
      Files.writeString(
          nowhere,
          "providers:\n  aws:\n    kind: lmi-http\n    endpoint: http://127.0.0.1:"
              + s.getLocalPort()
              + "\n    context_window: 4096\n");
    }
    BatchOptions o =
        RunCommand.options(
            List.of(
                "--input",
                input.toString(),
                "--output",
                out.toString(),
                "--job-id",
                "down-1",
                "--maxRetries=1",
                "--retryBackoffMs=50",
                "--progressSeconds=0"),
            Map.of("MCP_PROVIDERS_FILE", nowhere.toString()));
    RunCommand.Summary first = RunCommand.run(o, System.out);
    assertThat(first.failed()).isEqualTo(20);
    assertThat(first.retried()).isEqualTo(20);
    List<JsonNode> errors = lines(out.resolve("errors.jsonl"));
    assertThat(errors).hasSize(20);
    assertThat(errors)
        .allSatisfy(
            e -> {
              assertThat(e.get("retryable").asBoolean()).isTrue();
              assertThat(e.get("stage").asText()).isEqualTo("call");
              assertThat(e.get("attempts").asInt()).isEqualTo(2);
            });

    RunCommand.Summary second = run(input, out, "down-1");
    assertThat(second.skippedDone()).isZero();
    assertThat(second.done()).isEqualTo(20);
    assertThat(lines(out.resolve("results.jsonl"))).hasSize(20);
    assertThat(lines(out.resolve("errors.jsonl"))).isEmpty();
  }
}
