package io.mcpai.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Failover under load with real processes: three inference endpoints (the embedded tiny model, each
 * its own JVM), the gateway jar in front of them, and N closed-loop clients for M seconds. A third
 * of the way in, one endpoint is killed ({@code SIGKILL}); two thirds in it is started again on the
 * same port. Every request is classified by when it started: before the kill, during the outage
 * (kill until the restarted endpoint answers {@code /ping}), after. Reports per phase: requests
 * sent, succeeded, failed (non-200 or I/O error), p50/p99 latency; the target is zero failed
 * requests while two providers are healthy.
 *
 * <pre>
 * ./mvnw -B -q -pl functions/app,inference-endpoint,tests -am package -DskipTests
 * java -cp tests/target/benchmarks.jar io.mcpai.bench.ReliabilityHarness \
 *     [--clients 8] [--seconds 150] [--warmup-seconds 20] [--max-tokens 8]
 * </pre>
 */
public final class ReliabilityHarness {
  private static final String[] NAMES = {"AWS", "GCP", "AZURE"};

  record Sample(long startNanos, long latencyNanos, boolean ok, String error) {}

  public static void main(String[] args) throws Exception {
    int clients = Integer.parseInt(arg(args, "--clients", "8"));
    int seconds = Integer.parseInt(arg(args, "--seconds", "150"));
    int maxTokens = Integer.parseInt(arg(args, "--max-tokens", "8"));
    // Load runs from the start; samples count only after the warm-up (JIT, connection pools).
    int warmup = Integer.parseInt(arg(args, "--warmup-seconds", "20"));
    String endpointJar =
        arg(args, "--endpoint-jar", "inference-endpoint/target/mcp-inference-endpoint.jar");
    String gatewayJar = arg(args, "--gateway-jar", "functions/app/target/mcp-gateway.jar");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path logs = Files.createTempDirectory("mcp-reliability");

    int[] ports = new int[3];
    Process[] endpoints = new Process[3];
    for (int i = 0; i < 3; i++) {
      ports[i] = freePort();
      endpoints[i] =
          startEndpoint(java, endpointJar, ports[i], logs.resolve("endpoint-" + i + ".log"));
    }
    HttpClient admin = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    for (int i = 0; i < 3; i++) {
      waitReady(admin, "http://127.0.0.1:" + ports[i] + "/ping", endpoints[i], 120);
    }
    int gwPort = freePort();
    List<String> cmd =
        new ArrayList<>(List.of(java, "-jar", gatewayJar, "--server.port=" + gwPort));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    for (int i = 0; i < 3; i++) {
      pb.environment().put("MCP_MODEL_SERVICE_" + NAMES[i], "http://127.0.0.1:" + ports[i]);
    }
    pb.environment().put("MCP_MODEL_SERVICE_CONTEXT_WINDOW", "512");
    pb.environment().put("MCP_REQUEST_LOG", "off");
    pb.environment().put("MCP_HEALTH_INTERVAL_MS", "1000");
    pb.redirectErrorStream(true).redirectOutput(logs.resolve("gateway.log").toFile());
    Process gateway = pb.start();
    try {
      String base = "http://127.0.0.1:" + gwPort;
      waitReady(admin, base + "/health", gateway, 90);
      String load0 = Files.readString(Path.of("/proc/loadavg")).trim();
      System.out.printf(
          Locale.ROOT,
          "gateway pid %d on %d, endpoints %s, %d clients for %d s after %d s warm-up,"
              + " max_tokens %d; logs %s%n"
              + "load average at start: %s%n",
          gateway.pid(),
          gwPort,
          Arrays.toString(ports),
          clients,
          seconds,
          warmup,
          maxTokens,
          logs,
          load0);

      byte[] body =
          ("{\"user_input\":\"Tell me a story.\",\"parameters\":{\"max_tokens\":"
                  + maxTokens
                  + ",\"temperature\":0}}")
              .getBytes(StandardCharsets.UTF_8);
      ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
      long loadStart = System.nanoTime();
      long start = loadStart + TimeUnit.SECONDS.toNanos(warmup);
      long end = start + TimeUnit.SECONDS.toNanos(seconds);
      List<Thread> threads = new ArrayList<>();
      for (int c = 0; c < clients; c++) {
        Thread t =
            new Thread(
                () -> {
                  HttpClient http =
                      HttpClient.newBuilder()
                          .version(HttpClient.Version.HTTP_1_1)
                          .connectTimeout(Duration.ofSeconds(5))
                          .build();
                  HttpRequest req =
                      HttpRequest.newBuilder(URI.create(base + "/v1/generate"))
                          .header("content-type", "application/json")
                          .timeout(Duration.ofSeconds(60))
                          .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                          .build();
                  while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    try {
                      HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                      boolean ok = r.statusCode() == 200;
                      samples.add(
                          new Sample(
                              t0,
                              System.nanoTime() - t0,
                              ok,
                              ok ? null : r.statusCode() + " " + r.body()));
                    } catch (IOException | InterruptedException e) {
                      samples.add(new Sample(t0, System.nanoTime() - t0, false, e.toString()));
                    }
                  }
                },
                "client-" + c);
        t.start();
        threads.add(t);
      }
      int victim = 1; // gcp
      sleepUntil(start + TimeUnit.SECONDS.toNanos(seconds / 3));
      long killAt = System.nanoTime();
      endpoints[victim].destroyForcibly().waitFor();
      System.out.printf(
          Locale.ROOT,
          "t=%.1fs killed endpoint %s (SIGKILL)%n",
          sec(killAt - start),
          NAMES[victim]);
      sleepUntil(start + TimeUnit.SECONDS.toNanos(2L * seconds / 3));
      endpoints[victim] =
          startEndpoint(java, endpointJar, ports[victim], logs.resolve("endpoint-restarted.log"));
      waitReady(admin, "http://127.0.0.1:" + ports[victim] + "/ping", endpoints[victim], 120);
      long backAt = System.nanoTime();
      System.out.printf(
          Locale.ROOT,
          "t=%.1fs endpoint %s restarted and answering /ping%n",
          sec(backAt - start),
          NAMES[victim]);
      for (Thread t : threads) {
        t.join();
      }
      String load1 = Files.readString(Path.of("/proc/loadavg")).trim();

      Map<String, List<Sample>> phases = new TreeMap<>();
      for (Sample s : samples) {
        if (s.startNanos() < start) {
          continue; // warm-up
        }
        String phase =
            s.startNanos() < killAt ? "1 before" : s.startNanos() < backAt ? "2 during" : "3 after";
        phases.computeIfAbsent(phase, k -> new ArrayList<>()).add(s);
      }
      System.out.printf(
          Locale.ROOT,
          "%n| phase | seconds | sent | succeeded | failed | p50 ms | p99 ms | max ms |%n"
              + "|---|---:|---:|---:|---:|---:|---:|---:|%n");
      long total = 0;
      long failed = 0;
      double[] spans = {sec(killAt - start), sec(backAt - killAt), sec(end - backAt)};
      int pi = 0;
      for (var e : phases.entrySet()) {
        List<Sample> ss = e.getValue();
        long[] lat = ss.stream().mapToLong(Sample::latencyNanos).sorted().toArray();
        long bad = ss.stream().filter(s -> !s.ok()).count();
        total += ss.size();
        failed += bad;
        System.out.printf(
            Locale.ROOT,
            "| %s | %.0f | %d | %d | %d | %.1f | %.1f | %.1f |%n",
            e.getKey().substring(2),
            spans[Math.min(pi++, 2)],
            ss.size(),
            ss.size() - bad,
            bad,
            pct(lat, 0.50),
            pct(lat, 0.99),
            lat.length == 0 ? 0 : lat[lat.length - 1] / 1e6);
      }
      System.out.printf(
          Locale.ROOT,
          "%ntotal: %d sent, %d failed; load average at end: %s%n",
          total,
          failed,
          load1);
      samples.stream()
          .filter(s -> !s.ok())
          .limit(5)
          .forEach(s -> System.out.println("  failure: " + s.error()));
    } finally {
      gateway.destroy();
      gateway.waitFor(10, TimeUnit.SECONDS);
      for (Process p : endpoints) {
        p.destroy();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static Process startEndpoint(String java, String jar, int port, Path log)
      throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(
            java,
            "-Dai.djl.offline=true",
            "-Dai.djl.pytorch.num_threads=1",
            "-jar",
            jar,
            "serve",
            "--server.port=" + port);
    pb.environment().put("MCP_BIND_ADDRESS", "127.0.0.1");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    return pb.start();
  }

  /** Polls {@code url} until it answers 200; fails early when the process exits. */
  static void waitReady(HttpClient client, String url, Process p, int seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException(url + ": process exited with " + p.exitValue());
      }
      try {
        if (client
                .send(
                    HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode()
            == 200) {
          return;
        }
      } catch (IOException notYet) {
        // starting
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(url + " not ready in " + seconds + " s");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void sleepUntil(long nanos) throws InterruptedException {
    long wait = nanos - System.nanoTime();
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }

  private static double sec(long nanos) {
    return nanos / 1e9;
  }

  private static double pct(long[] sorted, double q) {
    if (sorted.length == 0) {
      return 0;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
  }

  private static String arg(String[] args, String name, String dflt) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return dflt;
  }
}
