package io.mcpai.batch.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpai.core.requestlog.RequestRecord;
import io.mcpai.core.routing.Attempt;
import io.mcpai.core.routing.RoutingWeights;
import io.mcpai.core.routing.RoutingWeightsFile;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.impl.ArrayExample;
import org.tribuo.regression.Regressor;

/**
 * The learner on synthetic request logs written with the gateway's own {@link RequestRecord}
 * writer, where one provider is three times slower and another fails a third of its tries: the
 * learned weights must move traffic away from both, and the replay must show the gain.
 */
class LearnCommandTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path tmp;

  /** Latency (ms) of a successful try: base + per completion token, with noise. */
  static double latency(String provider, int completion, Random rnd) {
    double perToken = provider.equals("gcp") ? 6.0 : 2.0;
    double base = provider.equals("gcp") ? 300 : 100;
    return base + perToken * completion + rnd.nextGaussian() * 10;
  }

  static boolean fails(String provider, Random rnd) {
    return rnd.nextDouble() < (provider.equals("azure") ? 0.33 : 0.01);
  }

  /** {@code n} requests routed with equal weights, failing over like the gateway. */
  static Path writeLog(Path file, int n, long seed) throws Exception {
    Random rnd = new Random(seed);
    String[] providers = {"aws", "gcp", "azure"};
    List<String> lines = new ArrayList<>();
    long t0 = 1_735_689_600_000L; // 2025-01-01
    for (int i = 0; i < n; i++) {
      int prompt = 20 + rnd.nextInt(400);
      int completion = 5 + rnd.nextInt(200);
      int first = rnd.nextInt(3);
      List<Attempt> attempts = new ArrayList<>();
      double upstream = 0;
      String answered = null;
      for (int a = 0; a < 3 && answered == null; a++) {
        String p = providers[(first + a) % 3];
        if (fails(p, rnd)) {
          double ms = 800 + rnd.nextInt(400); // timeouts take long
          attempts.add(new Attempt(p, "timeout", (long) (ms * 1000)));
          upstream += ms;
        } else {
          double ms = latency(p, completion, rnd);
          attempts.add(new Attempt(p, "ok", (long) (ms * 1000)));
          upstream += ms;
          answered = p;
        }
      }
      RequestRecord r =
          new RequestRecord(
              t0 + i * 60_000L,
              "r" + i,
              "generate",
              false,
              "llama-2-7b-chat",
              answered == null ? attempts.get(attempts.size() - 1).provider() : answered,
              "lmi-http",
              "us-east-1",
              answered == null ? 503 : 200,
              answered == null ? "no_provider" : null,
              prompt,
              answered == null ? 0 : completion,
              upstream + 1,
              null,
              upstream,
              attempts.size() - 1,
              attempts,
              answered == null ? 0 : 0.0015 * (prompt + completion) / 1000);
      StringWriter w = new StringWriter();
      try (JsonGenerator g = JSON.getFactory().createGenerator(w)) {
        r.write(g);
      }
      lines.add(w.toString());
    }
    lines.add("{\"v\":2,\"ts\":\"2025-01-01T00:00:00Z\"}"); // another version: skipped
    lines.add("not json");
    Files.write(file, lines);
    return file;
  }

  @Test
  void learnedWeightsMoveTrafficAwayFromTheSlowAndTheFlakyProvider() throws Exception {
    Path log = writeLog(tmp.resolve("requests.jsonl"), 3000, 7);
    Path out = tmp.resolve("learned");
    ByteArrayOutputStream console = new ByteArrayOutputStream();
    RoutingLearner.Result r =
        LearnCommand.run(
            List.of("--log", log.toString(), "--output", out.toString()),
            new PrintStream(console, true));
    System.out.print(console);

    RoutingWeights w =
        RoutingWeightsFile.parse(Files.readAllBytes(out.resolve("routing-weights.json")));
    assertThat(w.v()).isEqualTo(1);
    assertThat(w.weights()).containsOnlyKeys("aws", "gcp", "azure");
    assertThat(w.weights().get("aws")).isGreaterThan(2 * w.weights().get("gcp"));
    assertThat(w.weights().get("aws")).isGreaterThan(2 * w.weights().get("azure"));
    assertThat(w.learnedAt()).isNotBlank();

    JsonNode report = JSON.readTree(out.resolve("report.json").toFile());
    assertThat(report.path("skipped_rows").asInt()).isEqualTo(2);
    JsonNode learned = report.at("/replay/learned_weights");
    JsonNode equal = report.at("/replay/equal_weights");
    assertThat(learned.get("p50_ms").asDouble()).isLessThan(equal.get("p50_ms").asDouble());
    assertThat(learned.get("p99_ms").asDouble()).isLessThan(equal.get("p99_ms").asDouble());
    assertThat(learned.get("failure_rate").asDouble())
        .isLessThanOrEqualTo(equal.get("failure_rate").asDouble());
    assertThat(learned.get("failover_rate").asDouble())
        .isLessThan(equal.get("failover_rate").asDouble() / 2);
    // Held-out error: the latency model beats always answering the mean (latency is linear in
    // the completion tokens here), and the failure model knows azure fails more.
    JsonNode aws = report.at("/providers/aws");
    assertThat(aws.get("latency_mae_ms").asDouble())
        .isLessThan(aws.get("latency_baseline_mae_ms").asDouble() / 2);
    assertThat(report.at("/providers/azure/failure_probability").asDouble())
        .isGreaterThan(report.at("/providers/aws/failure_probability").asDouble() + 0.15);
    assertThat(report.at("/providers/gcp/expected_latency_ms").asDouble())
        .isGreaterThan(2 * aws.get("expected_latency_ms").asDouble());

    // The models are Tribuo protobufs that load back and predict.
    @SuppressWarnings("unchecked")
    Model<Regressor> lat =
        (Model<Regressor>) Model.deserializeFromFile(out.resolve("models/gcp-latency.tribuo"));
    Observation o = new Observation("gcp", null, 0, 100, 100, true, 0, 0, 0);
    double predicted =
        lat.predict(
                    new ArrayExample<>(
                        new Regressor("latency_s", Double.NaN), Observation.FEATURES, o.features()))
                .getOutput()
                .getValues()[0]
            * 1000;
    assertThat(predicted).isBetween(700.0, 1100.0); // 300 + 6 * 100
    @SuppressWarnings("unchecked")
    Model<Label> fail =
        (Model<Label>) Model.deserializeFromFile(out.resolve("models/azure-failure.tribuo"));
    assertThat(fail.getOutputIDInfo().size()).isEqualTo(2);
    assertThat(r.weights()).isEqualTo(w.weights());
  }

  @Test
  void refusesMissingArgumentsAndUnknownOptions() {
    assertThatThrownBy(() -> LearnCommand.parse(List.of("--output", "x")))
        .hasMessageContaining("--log");
    assertThatThrownBy(
            () -> LearnCommand.parse(List.of("--log", "a", "--output", "x", "--sharpnes=3")))
        .hasMessageContaining("sharpnes");
    assertThatThrownBy(
            () -> LearnCommand.parse(List.of("--log", "a", "--output", "x", "--holdout=1.5")))
        .hasMessageContaining("holdout");
  }
}
