package io.mcpai.bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
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
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Gateway overhead under open-loop load against a zero-latency upstream.
 *
 * <pre>
 * ./mvnw -B -q -pl functions/app,tests -am package -DskipTests
 * java -cp tests/target/benchmarks.jar io.mcpai.bench.GatewayLoadHarness \
 *     [--jar functions/app/target/mcp-gateway.jar] [--seconds 10] [--rates 500,1000,2000] \
 *     [--gateway-heap 256m]
 * </pre>
 *
 * Starts a canned LMI upstream (JDK HttpServer, answers at once) on 127.0.0.1, the gateway jar as a
 * child process in front of it (one provider, request log on), then for each rate sends {@code POST
 * /v1/generate} at exactly that rate for a bounded time (latency measured from the intended send
 * time, so a stall is not hidden). It reports per rate: achieved rate, errors, client latency
 * through the gateway and straight to the upstream, and the gateway's own overhead from its {@code
 * mcp_gateway_overhead_seconds} histogram (bucket deltas over the phase), then the gateway
 * process's peak RSS (VmHWM). Client, gateway and upstream share the machine's cores.
 */
public final class GatewayLoadHarness {
  private static final String CANNED =
      "{\"generated_text\":\" Paris.\",\"details\":{\"finish_reason\":\"eos_token\","
          + "\"generated_tokens\":3}}";
  private static final String BODY =
      "{\"system_prompt\":\"You are terse.\",\"user_input\":\"What is the capital of France?\","
          + "\"parameters\":{\"max_tokens\":16}}";

  public static void main(String[] args) throws Exception {
    Path jar = Path.of(arg(args, "--jar", "functions/app/target/mcp-gateway.jar"));
    int seconds = Integer.parseInt(arg(args, "--seconds", "10"));
    int[] rates =
        Arrays.stream(arg(args, "--rates", "500,1000,2000").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    String heap = arg(args, "--gateway-heap", "256m");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          jar + " missing: ./mvnw -B -q -pl functions/app -am package -DskipTests");
    }

    HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
    upstream.setExecutor(Executors.newFixedThreadPool(4));
    byte[] canned = CANNED.getBytes(StandardCharsets.UTF_8);
    upstream.createContext(
        "/",
        ex -> {
          ex.getRequestBody().readAllBytes();
          ex.getResponseHeaders().set("content-type", "application/json");
          ex.sendResponseHeaders(200, canned.length);
          try (OutputStream o = ex.getResponseBody()) {
            o.write(canned);
          }
        });
    upstream.start();
    String upstreamUrl = "http://127.0.0.1:" + upstream.getAddress().getPort();

    int port = 18600;
    Path logDir = Files.createTempDirectory("mcp-harness");
    ProcessBuilder pb =
        new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx" + heap,
            "-jar",
            jar.toString(),
            "--server.port=" + port);
    pb.environment().put("MCP_MODEL_SERVICE_AWS", upstreamUrl);
    pb.environment().put("MCP_REQUEST_LOG", logDir.resolve("requests.jsonl").toString());
    pb.redirectErrorStream(true).redirectOutput(logDir.resolve("gateway.log").toFile());
    Process gw = pb.start();
    try {
      String base = "http://127.0.0.1:" + port;
      HttpClient client =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .executor(Executors.newFixedThreadPool(2))
              .build();
      waitReady(client, base + "/health", gw);
      System.out.printf(
          Locale.ROOT,
          "gateway pid %d, upstream %s, %d s per rate, cores %d%n",
          gw.pid(),
          upstreamUrl,
          seconds,
          Runtime.getRuntime().availableProcessors());
      // Warm-up: JIT and connection pools, not measured.
      run(client, URI.create(base + "/v1/generate"), 300, 5);
      System.out.println(
          "rate  | sent  achieved/s errors | via gateway p50/p99 ms | upstream direct p50/p99 ms"
              + " | gateway overhead p50/p99 ms (server histogram)");
      for (int rate : rates) {
        TreeMap<Double, Long> before = overheadBuckets(client, base);
        Result g = run(client, URI.create(base + "/v1/generate"), rate, seconds);
        TreeMap<Double, Long> after = overheadBuckets(client, base);
        Result d =
            run(client, URI.create(upstreamUrl + "/invocations"), rate, Math.max(2, seconds / 2));
        System.out.printf(
            Locale.ROOT,
            "%5d | %5d %10.0f %6d | %8.2f / %8.2f | %8.2f / %8.2f | %6.3f / %6.3f%n",
            rate,
            g.sent,
            g.achieved,
            g.errors,
            g.p(0.50),
            g.p(0.99),
            d.p(0.50),
            d.p(0.99),
            quantile(before, after, 0.50) * 1000,
            quantile(before, after, 0.99) * 1000);
      }
      System.out.println("gateway peak RSS (VmHWM): " + vmHwm(gw.pid()));
    } finally {
      gw.destroy();
      gw.waitFor(10, TimeUnit.SECONDS);
      upstream.stop(0);
      ((ExecutorService) upstream.getExecutor()).shutdownNow();
    }
    System.exit(0);
  }

  record Result(int sent, double achieved, int errors, long[] micros) {
    double p(double q) {
      if (micros.length == 0) {
        return Double.NaN;
      }
      return micros[(int) Math.min(micros.length - 1, Math.floor(q * micros.length))] / 1000.0;
    }
  }

  /** Open loop: request i is due at start + i/rate, whatever happened to earlier ones. */
  static Result run(HttpClient client, URI uri, int rate, int seconds) throws Exception {
    int total = rate * seconds;
    AtomicLongArray lat = new AtomicLongArray(total);
    AtomicInteger errors = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    HttpRequest.Builder rb =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(10))
            .header("content-type", "application/json");
    String body =
        uri.getPath().equals("/invocations")
            ? "{\"inputs\":\"x\",\"parameters\":{\"max_new_tokens\":16}}"
            : BODY;
    long start = System.nanoTime();
    long interval = 1_000_000_000L / rate;
    for (int i = 0; i < total; i++) {
      long due = start + i * interval;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      int idx = i;
      client
          .sendAsync(
              rb.POST(HttpRequest.BodyPublishers.ofString(body)).build(),
              HttpResponse.BodyHandlers.ofString())
          .whenComplete(
              (r, e) -> {
                lat.set(idx, (System.nanoTime() - due) / 1000);
                if (e != null || r.statusCode() != 200) {
                  if (errors.incrementAndGet() == 1) {
                    System.out.println(
                        "first error: "
                            + (e != null ? e : "HTTP " + r.statusCode() + " " + r.body()));
                  }
                }
                done.incrementAndGet();
              });
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (done.get() < total && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    long[] m = new long[done.get()];
    int k = 0;
    for (int i = 0; i < total && k < m.length; i++) {
      long v = lat.get(i);
      if (v > 0) {
        m[k++] = v;
      }
    }
    m = Arrays.copyOf(m, k);
    Arrays.sort(m);
    return new Result(total, done.get() / elapsed, errors.get() + (total - done.get()), m);
  }

  static TreeMap<Double, Long> overheadBuckets(HttpClient client, String base) throws Exception {
    String text =
        client
            .send(
                HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    TreeMap<Double, Long> buckets = new TreeMap<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("mcp_gateway_overhead_seconds_bucket{le=\"")) {
        int q = line.indexOf('"') + 1;
        String le = line.substring(q, line.indexOf('"', q));
        double bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
        buckets.put(bound, (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
      }
    }
    return buckets;
  }

  /** The q-quantile's bucket upper bound from the difference of two cumulative histograms. */
  static double quantile(TreeMap<Double, Long> before, TreeMap<Double, Long> after, double q) {
    List<double[]> d = new ArrayList<>();
    for (var e : after.entrySet()) {
      d.add(new double[] {e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)});
    }
    double total = d.isEmpty() ? 0 : d.get(d.size() - 1)[1];
    for (double[] b : d) {
      if (b[1] >= q * total) {
        return b[0];
      }
    }
    return Double.NaN;
  }

  static String vmHwm(long pid) throws IOException {
    for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (l.startsWith("VmHWM")) {
        return l.substring(6).trim();
      }
    }
    return "?";
  }

  static void waitReady(HttpClient client, String url, Process p) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("gateway exited: " + p.exitValue());
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
    throw new IllegalStateException("gateway not ready in 60 s");
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
