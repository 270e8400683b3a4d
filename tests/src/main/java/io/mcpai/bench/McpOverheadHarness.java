package io.mcpai.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the MCP layer adds to a call: the same request through {@code POST /v1/...} and through
 * {@code POST /mcp} {@code tools/call}, one at a time on one keep-alive connection each,
 * interleaved request by request so both see the same machine.
 *
 * <pre>
 * ./mvnw -B -q -pl functions/app,tests -am package -DskipTests
 * java -cp tests/target/benchmarks.jar io.mcpai.bench.McpOverheadHarness \
 *     [--jar functions/app/target/mcp-gateway.jar] [--rounds 5] [--calls 300] [--warmup 2000]
 * </pre>
 *
 * <p>The gateway runs with one {@code lmi-http} provider, {@link GatewayUpstream} (canned answers
 * at once), so {@code generate} measures the gateway and not a model. Pairs: {@code /v1/generate}
 * vs the {@code generate} tool, {@code /v1/format} vs the {@code format_context} tool. Per round it
 * prints each variant's median and p99; the summary gives the median over rounds, the spread, the
 * ratio MCP/HTTP and the difference in milliseconds.
 */
public final class McpOverheadHarness {
  private static final String REQUEST =
      "{\"system_prompt\":\"You are terse.\",\"conversation_history\":[{\"role\":\"user\","
          + "\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello.\"}],"
          + "\"user_input\":\"What is the capital of France?\",\"parameters\":{\"max_tokens\":16}}";

  private McpOverheadHarness() {}

  record Variant(String name, String path, String body, String mustContain) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i], args[i + 1]);
    }
    String jar = a.getOrDefault("--jar", "functions/app/target/mcp-gateway.jar");
    int rounds = Integer.parseInt(a.getOrDefault("--rounds", "5"));
    int calls = Integer.parseInt(a.getOrDefault("--calls", "300"));
    int warmup = Integer.parseInt(a.getOrDefault("--warmup", "2000"));
    if (!Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException(jar + " missing: ./mvnw -B -q -pl functions/app -am package");
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process up = GatewayUpstream.startProcess();
    int port = 18650;
    Path log = Files.createTempDirectory("mcp-overhead").resolve("gateway.log");
    ProcessBuilder pb = new ProcessBuilder(java, "-jar", jar, "--server.port=" + port);
    pb.environment()
        .put("MCP_MODEL_SERVICE_AWS", "http://127.0.0.1:" + GatewayLoadHarness.readPort(up));
    pb.environment().put("MCP_REQUEST_LOG", "off");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    Process gw = pb.start();
    try {
      String base = "http://127.0.0.1:" + port;
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      GatewayLoadHarness.waitReady(http, base + "/health", gw);
      List<Variant[]> pairs =
          List.of(
              new Variant[] {
                new Variant("http /v1/generate", "/v1/generate", REQUEST, "\"response\""),
                new Variant("mcp generate", "/mcp", toolCall("generate"), "\"isError\":false")
              },
              new Variant[] {
                new Variant("http /v1/format", "/v1/format", REQUEST, "\"prompt\""),
                new Variant(
                    "mcp format_context", "/mcp", toolCall("format_context"), "\"isError\":false")
              });
      System.out.printf(
          Locale.ROOT,
          "gateway pid %d (log %s); cores %d; load average %s; %d rounds x %d calls per variant%n",
          gw.pid(),
          log,
          Runtime.getRuntime().availableProcessors(),
          GatewayLoadHarness.loadAverage(),
          rounds,
          calls);
      for (Variant[] pair : pairs) {
        for (int i = 0; i < warmup; i++) {
          send(http, base, pair[i % 2]);
        }
      }
      Map<String, List<Double>> medians = new LinkedHashMap<>();
      for (int round = 1; round <= rounds; round++) {
        for (Variant[] pair : pairs) {
          double[][] ms = new double[2][calls];
          for (int i = 0; i < calls; i++) {
            for (int v = 0; v < 2; v++) {
              // Alternate which goes first, so neither always follows the other.
              int which = (i + v) % 2;
              ms[which][i] = send(http, base, pair[which]);
            }
          }
          for (int v = 0; v < 2; v++) {
            Arrays.sort(ms[v]);
            double p50 = ms[v][calls / 2];
            double p99 = ms[v][Math.min(calls - 1, (int) Math.ceil(calls * 0.99) - 1)];
            medians.computeIfAbsent(pair[v].name(), k -> new ArrayList<>()).add(p50);
            System.out.printf(
                Locale.ROOT,
                "round %d  %-22s p50 %7.3f ms  p99 %7.3f ms%n",
                round,
                pair[v].name(),
                p50,
                p99);
          }
        }
      }
      System.out.printf(
          Locale.ROOT, "%nload average after: %s%n", GatewayLoadHarness.loadAverage());
      for (Variant[] pair : pairs) {
        double h = summary(pair[0].name(), medians.get(pair[0].name()));
        double m = summary(pair[1].name(), medians.get(pair[1].name()));
        System.out.printf(Locale.ROOT, "  -> mcp/http %.2fx, +%.3f ms per call%n", m / h, m - h);
      }
    } finally {
      gw.destroy();
      up.destroy();
    }
  }

  private static String toolCall(String tool) {
    return "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\""
        + tool
        + "\",\"arguments\":"
        + REQUEST
        + "}}";
  }

  private static double send(HttpClient http, String base, Variant v) throws Exception {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create(base + v.path()))
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .POST(HttpRequest.BodyPublishers.ofString(v.body()))
            .build();
    long start = System.nanoTime();
    HttpResponse<String> res = http.send(r, HttpResponse.BodyHandlers.ofString());
    double ms = (System.nanoTime() - start) / 1e6;
    if (res.statusCode() != 200 || !res.body().contains(v.mustContain())) {
      throw new IllegalStateException(
          v.name() + " answered " + res.statusCode() + ": " + res.body());
    }
    return ms;
  }

  /** Prints and returns the median of the rounds' medians, with their spread. */
  private static double summary(String name, List<Double> perRound) {
    double[] s = perRound.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double median = s[s.length / 2];
    System.out.printf(
        Locale.ROOT,
        "%-22s median of round medians %7.3f ms (spread %.3f-%.3f)%n",
        name,
        median,
        s[0],
        s[s.length - 1]);
    return median;
  }
}
