package io.mcpai.app.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpai.app.McpApplication;
import io.mcpai.inference.Main;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The dashboards and alert rules under {@code observability/} against a really running gateway and
 * inference endpoint (real sockets): every metric any expression selects must appear in one of
 * their {@code /metrics}, after traffic that exercises success, failover, a stream and a routed
 * error. Also: the files parse and point at each other, the check catches a bad rules file, and the
 * cost of an instance-hour-priced provider reaches the request log and the cost counter.
 */
@SpringBootTest(classes = McpApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
class ObservabilityFilesTest {
  static Main.Running endpoint;
  static Path requestLog;

  @LocalServerPort int port;

  private static final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  @DynamicPropertySource
  static void providers(DynamicPropertyRegistry props) throws Exception {
    if (endpoint == null) {
      endpoint =
          Main.start(
              Main.Settings.from(
                  new String[] {"serve", "--server.port=0"},
                  Map.of("MCP_BIND_ADDRESS", "127.0.0.1", "MCP_MAX_BATCH_SIZE", "4")));
      Path dir = Files.createTempDirectory("obs");
      requestLog = dir.resolve("requests.jsonl");
      int closed;
      try (ServerSocket s = new ServerSocket(0)) {
        closed = s.getLocalPort(); // nothing listens here once the socket is closed
      }
      Path providers = dir.resolve("providers.yaml");
      Files.writeString(
          providers,
          """
          providers:
            aws:
              kind: lmi-http
              endpoint: http://127.0.0.1:%d
              context_window: 512
              instance_hour_usd: 36
              instance_concurrency: 2
            dead:
              kind: lmi-http
              endpoint: http://127.0.0.1:%d
              context_window: 512
              weight: 0
              connect_timeout_ms: 500
          """
              .formatted(endpoint.port(), closed));
      props.add("MCP_PROVIDERS_FILE", providers::toString);
      props.add("MCP_REQUEST_LOG", requestLog::toString);
      props.add("MCP_HEALTH_INTERVAL_MS", () -> "0"); // keep 'dead' routable, so it fails over
    }
  }

  @AfterAll
  static void stop() {
    if (endpoint != null) {
      endpoint.close();
    }
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String get(String url) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(url).isEqualTo(200);
    return r.body();
  }

  private static boolean driven;

  /**
   * Once per class: success, failover from 'dead', a stream, and a routed 413 (no provider window
   * holds the prompt).
   */
  private synchronized void driveTraffic() throws Exception {
    if (driven) {
      return;
    }
    driven = true;
    String ok =
        """
        {"user_input": "Name a colour.", "provider": "%s",
         "parameters": {"max_tokens": 8, "temperature": 0}}
        """;
    assertThat(post("/v1/generate", ok.formatted("aws")).statusCode()).isEqualTo(200);
    HttpResponse<String> failedOver = post("/v1/generate", ok.formatted("dead"));
    assertThat(failedOver.statusCode()).as(failedOver.body()).isEqualTo(200);
    assertThat(JSON.readTree(failedOver.body()).get("provider").asText()).isEqualTo("aws");
    HttpResponse<String> stream =
        post(
            "/v1/chat/completions",
            """
            {"model": "llama-2-7b-chat", "stream": true, "max_tokens": 8,
             "messages": [{"role": "user", "content": "Say hi."}]}
            """);
    assertThat(stream.body()).contains("[DONE]");
    String tooLong = "word ".repeat(700);
    HttpResponse<String> r =
        post(
            "/v1/generate",
            "{\"user_input\": \"" + tooLong + "\", \"parameters\": {\"max_tokens\": 8}}");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(413);
  }

  @Test
  void everyMetricTheDashboardsAndAlertsUseIsExportedByARunningGatewayOrEndpoint()
      throws Exception {
    driveTraffic();
    String gatewayMetrics = get("http://127.0.0.1:" + port + "/metrics");
    String endpointMetrics = get("http://127.0.0.1:" + endpoint.port() + "/metrics");
    Set<String> exported = new TreeSet<>(ObservabilityFiles.exported(gatewayMetrics));
    exported.addAll(ObservabilityFiles.exported(endpointMetrics));

    Path root = ObservabilityFiles.root();
    Map<String, String> pending = ObservabilityFiles.allowList(root.resolve("pending-metrics.txt"));
    System.out.println(
        "metrics allowed without an exporter yet (" + root + "/pending-metrics.txt):");
    pending.forEach((name, why) -> System.out.println("  " + name + ": " + why));

    List<ObservabilityFiles.MetricUse> uses = ObservabilityFiles.all(root);
    assertThat(uses).hasSizeGreaterThan(40);
    List<ObservabilityFiles.Finding> findings = ObservabilityFiles.check(uses, exported, pending);
    assertThat(findings)
        .as("metrics used but not exported:\n%s", String.join("\n", str(findings)))
        .isEmpty();

    // A stale allow-list entry (its exporter has landed) must be deleted, not kept forever.
    assertThat(pending.keySet())
        .as("allow-listed but exported")
        .doesNotContainAnyElementsOf(exported);
    // Every allow-listed name is actually used somewhere, or it has no business being listed.
    Set<String> used = new TreeSet<>();
    uses.forEach(u -> used.addAll(u.names()));
    assertThat(used).containsAll(pending.keySet());
    // METRICS.md names every metric used (a histogram by its family), so its table stays true.
    String documented = Files.readString(root.resolve("METRICS.md"));
    assertThat(used)
        .filteredOn(m -> !ObservabilityFiles.PROMETHEUS_SYNTHETIC.contains(m))
        .allSatisfy(
            m ->
                assertThat(documented)
                    .as("observability/METRICS.md documents %s", m)
                    .contains("`" + m.replaceAll("_(bucket|sum|count|max)$", "")));
  }

  @Test
  void theCheckNamesTheFileAndExpressionOfAMetricNobodyExports() throws Exception {
    driveTraffic();
    Set<String> exported =
        ObservabilityFiles.exported(get("http://127.0.0.1:" + port + "/metrics"));
    Path bad =
        Path.of(
            getClass()
                .getClassLoader()
                .getResource("observability-fixtures/bad-alerts.yml")
                .toURI());
    List<ObservabilityFiles.Finding> findings =
        ObservabilityFiles.check(ObservabilityFiles.rules(bad), exported, Map.of());
    assertThat(str(findings))
        .hasSize(2)
        .anySatisfy(
            f ->
                assertThat(f)
                    .contains("bad-alerts.yml group fixture, rule MisspelledCounter")
                    .contains("'inference_request_total' is not exported")
                    .contains("sum(rate(inference_request_total[5m])) > 1"))
        .anySatisfy(
            f ->
                assertThat(f)
                    .contains("rule HistogramWithoutSuffix")
                    .contains("is a histogram: query inference_request_duration_seconds_bucket"));
  }

  @Test
  void theConfigurationFilesParseAndPointAtEachOther() throws Exception {
    Path root = ObservabilityFiles.root();
    Map<?, ?> prom = (Map<?, ?>) ObservabilityFiles.yaml(root.resolve("prometheus/prometheus.yml"));
    for (Object f : (List<?>) prom.get("rule_files")) {
      assertThat(root.resolve("prometheus").resolve(f.toString())).isRegularFile();
    }
    String scrape = prom.get("scrape_configs").toString();
    for (String target : List.of("127.0.0.1:8000", "127.0.0.1:8001", "127.0.0.1:8003")) {
      assertThat(scrape).contains(target);
    }
    Map<?, ?> ds =
        (Map<?, ?>)
            ObservabilityFiles.yaml(
                root.resolve("grafana/provisioning/datasources/prometheus.yaml"));
    String uid = ((Map<?, ?>) ((List<?>) ds.get("datasources")).get(0)).get("uid").toString();
    Map<?, ?> dp =
        (Map<?, ?>)
            ObservabilityFiles.yaml(root.resolve("grafana/provisioning/dashboards/mcp.yaml"));
    Map<?, ?> provider = (Map<?, ?>) ((List<?>) dp.get("providers")).get(0);
    assertThat(((Map<?, ?>) provider.get("options")).get("path").toString())
        .endsWith("/grafana/dashboards");

    Set<String> uids = new TreeSet<>();
    List<Path> dashboards = ObservabilityFiles.dashboards(root);
    assertThat(dashboards)
        .extracting(p -> p.getFileName().toString())
        .containsExactlyInAnyOrder(
            "gateway.json", "inference-endpoint.json", "batch.json", "cost.json");
    for (Path d : dashboards) {
      JsonNode n = JSON.readTree(d.toFile());
      assertThat(uids.add(n.get("uid").asText())).as("unique uid in " + d).isTrue();
      for (JsonNode p : n.get("panels")) {
        assertThat(p.path("datasource").path("uid").asText())
            .as(d + " panel " + p.path("title"))
            .isEqualTo(uid);
        assertThat(p.path("targets")).as(d + " panel " + p.path("title")).isNotEmpty();
      }
    }
    Map<?, ?> alerts = (Map<?, ?>) ObservabilityFiles.yaml(root.resolve("prometheus/alerts.yml"));
    for (Object g : (List<?>) alerts.get("groups")) {
      for (Object r : (List<?>) ((Map<?, ?>) g).get("rules")) {
        Map<?, ?> rule = (Map<?, ?>) r;
        assertThat(((Map<?, ?>) rule.get("labels")).keySet())
            .as(String.valueOf(rule.get("alert")))
            .anyMatch("severity"::equals);
        assertThat(((Map<?, ?>) rule.get("annotations")).keySet())
            .as(String.valueOf(rule.get("alert")))
            .anyMatch("summary"::equals);
      }
    }
  }

  /**
   * Prometheus' own parser, where installed (Debian: {@code apt-get install prometheus}): the
   * config, the rules, and every dashboard query (as recording rules, Grafana's interval variables
   * replaced) must pass {@code promtool check}.
   */
  @Test
  void prometheusOwnParserAcceptsTheConfigTheRulesAndEveryDashboardQuery() throws Exception {
    Path promtool = onPath("promtool");
    Assumptions.assumeTrue(
        promtool != null, "promtool is not installed: skipping Prometheus' own syntax check");
    Path root = ObservabilityFiles.root();
    List<Map<String, String>> rules = new ArrayList<>();
    for (Path d : ObservabilityFiles.dashboards(root)) {
      for (ObservabilityFiles.MetricUse u : ObservabilityFiles.dashboard(d)) {
        String expr = u.expr().replaceAll("\\$__(rate_interval|interval|range)\\b", "5m");
        rules.add(Map.of("record", "dashboard:query:" + rules.size(), "expr", expr));
      }
    }
    Path file = Files.createTempFile("dashboard-queries", ".yml");
    Files.writeString(
        file,
        new org.yaml.snakeyaml.Yaml()
            .dump(Map.of("groups", List.of(Map.of("name", "dashboards", "rules", rules)))));
    assertThat(run(promtool, "check", "config", root.resolve("prometheus/prometheus.yml")))
        .contains("SUCCESS");
    assertThat(run(promtool, "check", "rules", file)).contains(rules.size() + " rules found");
  }

  private static Path onPath(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(dir, tool);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  private static String run(Object... args) throws Exception {
    Process p =
        new ProcessBuilder(java.util.Arrays.stream(args).map(String::valueOf).toList())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    return out;
  }

  @Test
  void anInstanceHourPricedAnswerIsCostedInTheRequestLogAndTheCounter() throws Exception {
    driveTraffic();
    String metrics = get("http://127.0.0.1:" + port + "/metrics");
    double counted = 0;
    for (String line : metrics.split("\n")) {
      if (line.startsWith("mcp_cost_usd_total{")
          && line.contains("provider=\"aws\"")
          && line.contains("key=\"anonymous\"")) {
        counted += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    assertThat(counted).isPositive();
    List<JsonNode> rows = readLog(3);
    JsonNode answered =
        rows.stream().filter(n -> n.get("status").asInt() == 200).findFirst().orElseThrow();
    double servedMs = 0;
    for (JsonNode a : answered.get("attempts")) {
      if (a.get("outcome").asText().equals("ok")) {
        servedMs = a.get("ms").asDouble();
      }
    }
    // 36 USD/hour shared by 2: 36 * ms / 3_600_000 / 2 (the log rounds ms to the microsecond)
    assertThat(answered.get("cost_usd").asDouble())
        .isCloseTo(36 * servedMs / 3_600_000 / 2, org.assertj.core.data.Offset.offset(1e-8));
    assertThat(answered.get("key").asText()).isEqualTo("anonymous");
    assertThat(answered.get("tenant").asText()).isEqualTo("local");
  }

  private static List<JsonNode> readLog(int atLeast) throws Exception {
    for (int i = 0; i < 100; i++) {
      if (Files.exists(requestLog)) {
        List<String> lines = Files.readAllLines(requestLog);
        if (lines.size() >= atLeast) {
          return lines.stream().map(ObservabilityFilesTest::parse).toList();
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the request log has fewer than " + atLeast + " lines");
  }

  private static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new AssertionError(line, e);
    }
  }

  private static List<String> str(List<ObservabilityFiles.Finding> findings) {
    return findings.stream().map(Object::toString).toList();
  }
}
