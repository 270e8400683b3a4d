package io.mcpai.batch.learn;

import com.fasterxml.jackson.databind.SerializationFeature;
import io.mcpai.core.protocol.ProtocolJson;
import io.mcpai.core.routing.RoutingWeights;
import io.mcpai.core.routing.RoutingWeightsFile;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code learn --log FILE [--log FILE ...] --output DIR [settings]}: reads request logs (and batch
 * results), learns routing weights ({@link RoutingLearner}) and writes, in {@code DIR}:
 *
 * <ul>
 *   <li>{@code routing-weights.json}: the file the gateway hot-reloads ({@code
 *       MCP_ROUTING_WEIGHTS_FILE}); written to a temporary file and moved into place, so the
 *       gateway never reads half a file;
 *   <li>{@code models/<provider>-latency.tribuo}, {@code -failure.tribuo}: the Tribuo models
 *       (protobuf; {@code Model.deserializeFromFile} reads them);
 *   <li>{@code report.json}: held-out error of every model against its baseline, and the replayed
 *       p50/p99 latency, failure rate and cost of the learned weights against equal weights.
 * </ul>
 */
public final class LearnCommand {
  // Tribuo logs every training run at INFO through java.util.logging; the command prints its own
  // summary. Held here so the setting is not garbage-collected with the logger.
  private static final java.util.logging.Logger TRIBUO_LOG =
      java.util.logging.Logger.getLogger("org.tribuo");

  static {
    TRIBUO_LOG.setLevel(java.util.logging.Level.WARNING);
  }

  private LearnCommand() {}

  /** Parsed arguments. */
  public record Args(List<Path> logs, Path output, RoutingLearner.Settings settings) {}

  public static Args parse(List<String> args) {
    List<Path> logs = new ArrayList<>();
    Path output = null;
    RoutingLearner.Settings d = RoutingLearner.Settings.defaults();
    Map<String, String> kv = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      String flag = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
      String v = a.contains("=") ? a.substring(a.indexOf('=') + 1) : null;
      if (!flag.startsWith("--")) {
        throw new IllegalArgumentException("learn: unexpected argument '" + a + "'");
      }
      if (v == null) {
        if (i + 1 >= args.size()) {
          throw new IllegalArgumentException(flag + " needs a value");
        }
        v = args.get(++i);
      }
      switch (flag) {
        case "--log" -> logs.add(Path.of(v));
        case "--output" -> output = Path.of(v);
        default -> kv.put(flag.substring(2), v);
      }
    }
    if (logs.isEmpty() || output == null) {
      throw new IllegalArgumentException("learn needs at least one --log and --output");
    }
    RoutingLearner.Settings s =
        new RoutingLearner.Settings(
            num(kv, "latency-weight", d.latencyWeight()),
            num(kv, "failure-penalty-ms", d.failurePenaltyMs()),
            num(kv, "cost-weight-ms-per-usd", d.costWeightMsPerUsd()),
            num(kv, "sharpness", d.sharpness()),
            num(kv, "min-weight", d.minWeight()),
            num(kv, "holdout", d.holdout()),
            (int) num(kv, "replay-requests", d.replayRequests()),
            (int) num(kv, "max-attempts", d.maxAttempts()),
            (long) num(kv, "seed", d.seed()));
    if (!kv.isEmpty()) {
      throw new IllegalArgumentException("learn: unknown option(s) " + kv.keySet());
    }
    if (s.holdout() <= 0 || s.holdout() >= 1) {
      throw new IllegalArgumentException("--holdout must be between 0 and 1, got " + s.holdout());
    }
    return new Args(logs, output, s);
  }

  private static double num(Map<String, String> kv, String key, double dflt) {
    String v = kv.remove(key);
    if (v == null) {
      return dflt;
    }
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + key + " must be a number, got '" + v + "'");
    }
  }

  public static RoutingLearner.Result run(List<String> argv, PrintStream log) throws IOException {
    Args a = parse(argv);
    RequestLogReader.Read read = RequestLogReader.read(a.logs());
    log.printf(
        "mcp-batch learn: %d log rows, %d skipped, %d provider tries%n",
        read.rows(), read.skipped(), read.observations().size());
    RoutingLearner.Result r = RoutingLearner.learn(read.observations(), a.settings());
    Files.createDirectories(a.output());
    r.models()
        .values()
        .forEach(
            m -> {
              try {
                m.write(a.output().resolve("models"));
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    String source =
        a.logs().stream().map(Path::toString).toList()
            + ": "
            + read.observations().size()
            + " tries, tribuo linear latency + logistic failure per provider, train "
            + r.trainTries()
            + " / held out "
            + r.heldOutTries();
    RoutingWeights w =
        new RoutingWeights(RoutingWeights.VERSION, r.weights(), Instant.now().toString(), source);
    byte[] json = ProtocolJson.write(w).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    RoutingWeightsFile.parse(json); // what the gateway will read must pass its own check
    Path tmp = a.output().resolve(".routing-weights.json.tmp");
    Files.write(tmp, json);
    Files.move(
        tmp,
        a.output().resolve("routing-weights.json"),
        StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("learned_at", w.learnedAt());
    report.put("logs", a.logs().stream().map(Path::toString).toList());
    report.put("rows", read.rows());
    report.put("skipped_rows", read.skipped());
    report.put("train_tries", r.trainTries());
    report.put("held_out_tries", r.heldOutTries());
    report.put("settings", a.settings());
    report.put("weights", r.weights());
    report.put("providers", r.providers());
    report.put("replay", Map.of("learned_weights", r.learned(), "equal_weights", r.equal()));
    Files.writeString(
        a.output().resolve("report.json"),
        ProtocolJson.mapper()
            .writer()
            .with(SerializationFeature.INDENT_OUTPUT)
            .writeValueAsString(report));
    log.printf(
        "mcp-batch learn: weights %s; replay learned p50 %.1f ms p99 %.1f ms failed over %.2f%%"
            + " failures %.2f%% vs equal p50 %.1f ms p99 %.1f ms failed over %.2f%% failures"
            + " %.2f%%; wrote %s%n",
        r.weights(),
        r.learned().p50Ms(),
        r.learned().p99Ms(),
        100 * r.learned().failoverRate(),
        100 * r.learned().failureRate(),
        r.equal().p50Ms(),
        r.equal().p99Ms(),
        100 * r.equal().failoverRate(),
        100 * r.equal().failureRate(),
        a.output());
    return r;
  }
}
