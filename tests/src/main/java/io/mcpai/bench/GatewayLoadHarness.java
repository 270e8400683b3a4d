package io.mcpai.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Gateway overhead under open-loop load against a zero-latency upstream.
 *
 * <pre>
 * ./mvnw -B -q -pl functions/app,tests -am package -DskipTests
 * java -cp tests/target/benchmarks.jar io.mcpai.bench.GatewayLoadHarness \
 *     [--jars functions/app/target/mcp-gateway.jar[,other.jar]] [--opts "JVM opts[|other opts]"] \
 *     [--rounds 1] [--seconds 10] [--rates 500,1000,2000] [--warmup-seconds 15]
 * </pre>
 *
 * <p>Three processes share the machine: {@link GatewayUpstream} (a one-thread Netty server that
 * answers canned LMI JSON at once), the gateway jar (one {@code lmi-http} provider pointing at it,
 * request log on, started per variant with the given JVM options), and this load generator (a
 * one-thread Netty client). For each rate it sends {@code POST /v1/generate} to the gateway and
 * {@code POST /invocations} straight to the upstream, both open loop at that rate and interleaved
 * (request i of each is due at {@code start + i/rate}, direct ones half an interval later), over
 * pooled keep-alive connections, opening more when all are busy. Latency is measured from the
 * intended send time, so a stall anywhere (including here) is counted, not hidden.
 *
 * <p>Per rate it reports achieved rate, errors (non-200, connection failures, no answer within the
 * grace period), client p50/p99 through the gateway and direct, the gateway's overhead two ways
 * (its {@code mcp_gateway_overhead_seconds} histogram, bucket deltas over the phase, interpolated
 * inside the bucket; and via minus direct at the same quantile), the CPU each process used during
 * the phase (% of one core), and the gateway's peak RSS so far (VmHWM). With several variants (jars
 * x opts) and rounds they are interleaved, and the summary gives each variant's median over rounds.
 */
public final class GatewayLoadHarness {
  private static final byte[] BODY =
      ("{\"system_prompt\":\"You are terse.\",\"user_input\":\"What is the capital of France?\","
              + "\"parameters\":{\"max_tokens\":16}}")
          .getBytes(StandardCharsets.UTF_8);
  private static final byte[] DIRECT_BODY =
      "{\"inputs\":\"x\",\"parameters\":{\"max_new_tokens\":16}}".getBytes(StandardCharsets.UTF_8);
  private static final AttributeKey<Req> IN_FLIGHT = AttributeKey.valueOf("req");

  public static void main(String[] args) throws Exception {
    List<String> jars =
        List.of(arg(args, "--jars", "functions/app/target/mcp-gateway.jar").split(","));
    List<String> opts = List.of(arg(args, "--opts", DEFAULT_OPTS).split("\\|"));
    int rounds = Integer.parseInt(arg(args, "--rounds", "1"));
    int seconds = Integer.parseInt(arg(args, "--seconds", "10"));
    int warmup = Integer.parseInt(arg(args, "--warmup-seconds", "15"));
    int maxConns = Integer.parseInt(arg(args, "--max-connections", "512"));
    String jfr = arg(args, "--jfr", null);
    int[] rates =
        Arrays.stream(arg(args, "--rates", "500,1000,2000").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    for (String j : jars) {
      if (!Files.isRegularFile(Path.of(j))) {
        throw new IllegalStateException(
            j + " missing: ./mvnw -B -q -pl functions/app -am package -DskipTests");
      }
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process up = GatewayUpstream.startProcess();
    int upPort = readPort(up);
    String upstreamUrl = "http://127.0.0.1:" + upPort;
    NioEventLoopGroup loop = new NioEventLoopGroup(1);
    Map<String, List<Row>> results = new LinkedHashMap<>();
    try {
      System.out.printf(
          Locale.ROOT,
          "upstream pid %d on %s; %d s per rate; cores %d; load average %s%n",
          up.pid(),
          upstreamUrl,
          seconds,
          Runtime.getRuntime().availableProcessors(),
          loadAverage());
      int port = 18600;
      for (int round = 1; round <= rounds; round++) {
        for (String jar : jars) {
          for (String o : opts) {
            String variant = Path.of(jar).getFileName() + " [" + o.trim() + "]";
            List<Row> rows =
                runVariant(
                    java,
                    jar,
                    o,
                    port++,
                    upstreamUrl,
                    up.pid(),
                    loop,
                    rates,
                    seconds,
                    warmup,
                    maxConns,
                    jfr,
                    round);
            results.computeIfAbsent(variant, k -> new ArrayList<>()).addAll(rows);
          }
        }
      }
      summary(results, rates);
      System.out.println("load average at end: " + loadAverage());
    } finally {
      up.destroy();
      up.waitFor(5, TimeUnit.SECONDS);
      loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
    System.exit(0);
  }

  /** The gateway's JVM options unless --opts says otherwise: the README's recommended ones. */
  static final String DEFAULT_OPTS =
      "-XX:+UseSerialGC -Xms64m -Xmx128m -XX:MaxDirectMemorySize=64m"
          + " -XX:ReservedCodeCacheSize=48m -XX:MaxMetaspaceSize=128m -Xss512k"
          + " -XX:CICompilerCount=2 -XX:TieredStopAtLevel=1"
          + " -Dio.netty.allocator.numDirectArenas=2 -Dio.netty.allocator.numHeapArenas=2";

  record Row(
      int rate,
      double achieved,
      int errors,
      double gP50,
      double gP99,
      double dP50,
      double dP99,
      double hP50,
      double hP99,
      double gwCpu,
      double upCpu,
      double loadCpu,
      long hwmKb) {}

  static List<Row> runVariant(
      String java,
      String jar,
      String opts,
      int port,
      String upstreamUrl,
      long upPid,
      NioEventLoopGroup loop,
      int[] rates,
      int seconds,
      int warmup,
      int maxConns,
      String jfr,
      int round)
      throws Exception {
    Path logDir = Files.createTempDirectory("mcp-harness");
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    for (String o : opts.trim().split("\\s+")) {
      if (!o.isEmpty()) {
        cmd.add(o);
      }
    }
    if (jfr != null) {
      cmd.add("-XX:StartFlightRecording=filename=" + jfr + ",settings=profile");
    }
    cmd.addAll(List.of("-jar", jar, "--server.port=" + port));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("MCP_MODEL_SERVICE_AWS", upstreamUrl);
    pb.environment().put("MCP_REQUEST_LOG", logDir.resolve("requests.jsonl").toString());
    pb.redirectErrorStream(true).redirectOutput(logDir.resolve("gateway.log").toFile());
    Process gw = pb.start();
    List<Row> rows = new ArrayList<>();
    try {
      String base = "http://127.0.0.1:" + port;
      HttpClient admin = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      waitReady(admin, base + "/health", gw);
      System.out.printf(
          Locale.ROOT,
          "%n== round %d: %s %s (gateway pid %d, log %s); RSS after start %s%n",
          round,
          jar,
          opts,
          gw.pid(),
          logDir,
          status(gw.pid(), "VmRSS"));
      Target via = new Target(loop, "127.0.0.1", port, "/v1/generate", BODY, maxConns);
      Target direct =
          new Target(
              loop,
              "127.0.0.1",
              Integer.parseInt(upstreamUrl.substring(upstreamUrl.lastIndexOf(':') + 1)),
              "/invocations",
              DIRECT_BODY,
              maxConns);
      // Warm-up: JIT, pools, connections; not measured.
      for (int w = 0; w < warmup; w += 5) {
        phase(via, direct, w < warmup / 2 ? 300 : 1000, Math.min(5, warmup - w));
      }
      System.out.println(
          "rate | achieved errors | via p50/p99 ms | direct p50/p99 ms | overhead hist p50/p99 ms"
              + " | via-direct p50/p99 ms | CPU% gw/up/load | gw VmHWM MB");
      for (int rate : rates) {
        TreeMap<Double, Long> before = overheadBuckets(admin, base);
        long[] cpu0 = {cpu(gw.pid()), cpu(upPid), cpu(ProcessHandle.current().pid())};
        long t0 = System.nanoTime();
        Phase[] p = phase(via, direct, rate, seconds);
        double wall = (System.nanoTime() - t0) / 1e9;
        long[] cpu1 = {cpu(gw.pid()), cpu(upPid), cpu(ProcessHandle.current().pid())};
        TreeMap<Double, Long> after = overheadBuckets(admin, base);
        Phase g = p[0];
        Phase d = p[1];
        Row r =
            new Row(
                rate,
                g.achieved(),
                g.errors() + d.errors(),
                g.p(0.5),
                g.p(0.99),
                d.p(0.5),
                d.p(0.99),
                quantile(before, after, 0.50) * 1000,
                quantile(before, after, 0.99) * 1000,
                (cpu1[0] - cpu0[0]) / 1e5 / wall,
                (cpu1[1] - cpu0[1]) / 1e5 / wall,
                (cpu1[2] - cpu0[2]) / 1e5 / wall,
                Long.parseLong(status(gw.pid(), "VmHWM").replace(" kB", "").trim()));
        rows.add(r);
        print(r);
        if (g.firstError != null || d.firstError != null) {
          System.out.println("  first error: via " + g.firstError + "; direct " + d.firstError);
        }
      }
      via.close();
      direct.close();
    } finally {
      gw.destroy();
      gw.waitFor(10, TimeUnit.SECONDS);
    }
    return rows;
  }

  static void print(Row r) {
    System.out.printf(
        Locale.ROOT,
        "%4d | %8.0f %6d | %6.2f / %6.2f | %6.2f / %6.2f | %6.3f / %6.3f | %6.3f / %6.3f"
            + " | %3.0f/%3.0f/%3.0f | %5.0f%n",
        r.rate,
        r.achieved,
        r.errors,
        r.gP50,
        r.gP99,
        r.dP50,
        r.dP99,
        r.hP50,
        r.hP99,
        r.gP50 - r.dP50,
        r.gP99 - r.dP99,
        r.gwCpu,
        r.upCpu,
        r.loadCpu,
        r.hwmKb / 1024.0);
  }

  static void summary(Map<String, List<Row>> results, int[] rates) {
    System.out.println("\n== medians over rounds");
    for (var e : results.entrySet()) {
      System.out.println(e.getKey());
      int maxOk = 0;
      for (int rate : rates) {
        List<Row> rs = e.getValue().stream().filter(r -> r.rate == rate).toList();
        Row m =
            new Row(
                rate,
                med(rs, Row::achieved),
                (int) med(rs, r -> r.errors),
                med(rs, Row::gP50),
                med(rs, Row::gP99),
                med(rs, Row::dP50),
                med(rs, Row::dP99),
                med(rs, Row::hP50),
                med(rs, Row::hP99),
                med(rs, Row::gwCpu),
                med(rs, Row::upCpu),
                med(rs, Row::loadCpu),
                (long) rs.stream().mapToLong(Row::hwmKb).max().orElse(0));
        print(m);
        if (m.errors == 0 && m.hP99 < 1.0 && m.achieved >= 0.97 * rate) {
          maxOk = Math.max(maxOk, rate);
        }
      }
      System.out.println(
          "  highest rate with 0 errors, achieved >= 97% and histogram p99 overhead < 1 ms: "
              + maxOk);
    }
  }

  interface D {
    double of(Row r);
  }

  static double med(List<Row> rs, D f) {
    double[] v = rs.stream().mapToDouble(f::of).sorted().toArray();
    return v.length == 0 ? Double.NaN : v[v.length / 2];
  }

  // ---- open-loop load ----

  /** One request: when it was due, and the phase it counts in. */
  record Req(Phase phase, int index, long due) {}

  /** One target's results over one phase. Written only on the client's event loop. */
  static final class Phase {
    final int total;
    final long[] micros;
    final AtomicInteger done = new AtomicInteger();
    int ok;
    int failed;
    volatile String firstError;
    double elapsed;

    Phase(int total) {
      this.total = total;
      this.micros = new long[total];
    }

    void finish(Req r, boolean success, String why) {
      micros[r.index] = Math.max(1, (System.nanoTime() - r.due) / 1000);
      if (success) {
        ok++;
      } else {
        failed++;
        if (firstError == null) {
          firstError = why;
        }
      }
      done.incrementAndGet();
    }

    int errors() {
      return total - ok;
    }

    double achieved() {
      return ok / elapsed;
    }

    double p(double q) {
      long[] m = Arrays.stream(micros).filter(v -> v > 0).sorted().toArray();
      if (m.length == 0) {
        return Double.NaN;
      }
      return m[(int) Math.min(m.length - 1, Math.floor(q * m.length))] / 1000.0;
    }
  }

  /** Both targets at the same rate, direct half an interval after via; bounded in time. */
  static Phase[] phase(Target via, Target direct, int rate, int seconds) throws Exception {
    int total = rate * seconds;
    Phase g = new Phase(total);
    Phase d = new Phase(total);
    long interval = 1_000_000_000L / rate;
    long start = System.nanoTime() + 1_000_000;
    EventLoop el = via.loop;
    for (int i = 0; i < total; i++) {
      long due = start + i * interval;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      Req rg = new Req(g, i, due);
      Req rd = new Req(d, i, due + interval / 2);
      el.execute(() -> via.send(rg));
      long wait2 = rd.due - System.nanoTime();
      if (wait2 > 0) {
        LockSupport.parkNanos(wait2);
      }
      el.execute(() -> direct.send(rd));
    }
    long sent = System.nanoTime();
    long deadline = sent + TimeUnit.SECONDS.toNanos(10);
    while ((g.done.get() < total || d.done.get() < total) && System.nanoTime() < deadline) {
      Thread.sleep(2);
    }
    // Elapsed: from the first due time to the last answer (or the give-up point).
    double elapsed = (System.nanoTime() - start) / 1e9;
    g.elapsed = elapsed;
    d.elapsed = elapsed;
    if (g.done.get() < total || d.done.get() < total) {
      // Unanswered requests are errors; drop their connections so the next phase starts clean.
      el.submit(
              () -> {
                via.reset();
                direct.reset();
              })
          .sync();
    }
    // Make the event loop's writes visible before reading the arrays.
    el.submit(() -> {}).sync();
    return new Phase[] {g, d};
  }

  /** Keep-alive connections to one target, one request in flight per connection. */
  static final class Target {
    final EventLoop loop;
    final String host;
    final int port;
    final String path;
    final byte[] body;
    final int maxConns;
    final Bootstrap bootstrap;
    final ArrayDeque<Channel> idle = new ArrayDeque<>();
    final ArrayDeque<Req> waiting = new ArrayDeque<>();
    final List<Channel> all = new ArrayList<>();
    int open;

    Target(NioEventLoopGroup group, String host, int port, String path, byte[] body, int maxConns) {
      this.loop = group.next();
      this.host = host;
      this.port = port;
      this.path = path;
      this.body = body;
      this.maxConns = maxConns;
      this.bootstrap =
          new Bootstrap()
              .group(loop)
              .channel(NioSocketChannel.class)
              .option(ChannelOption.TCP_NODELAY, true)
              .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
              .handler(
                  new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                      c.pipeline()
                          .addLast(new HttpClientCodec())
                          .addLast(new HttpObjectAggregator(1 << 20))
                          .addLast(new Handler(Target.this));
                    }
                  });
    }

    void send(Req r) {
      Channel c = idle.pollFirst();
      if (c != null) {
        write(c, r);
      } else if (open < maxConns) {
        open++;
        bootstrap
            .connect(host, port)
            .addListener(
                f -> {
                  if (f.isSuccess()) {
                    Channel ch = ((io.netty.channel.ChannelFuture) f).channel();
                    all.add(ch);
                    write(ch, r);
                  } else {
                    open--;
                    r.phase.finish(r, false, "connect: " + f.cause());
                  }
                });
      } else {
        waiting.addLast(r);
      }
    }

    void write(Channel c, Req r) {
      c.attr(IN_FLIGHT).set(r);
      FullHttpRequest req =
          new DefaultFullHttpRequest(
              HttpVersion.HTTP_1_1, HttpMethod.POST, path, Unpooled.wrappedBuffer(body));
      req.headers()
          .set(HttpHeaderNames.HOST, host + ":" + port)
          .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
          .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
      c.writeAndFlush(req);
    }

    void released(Channel c) {
      Req next = waiting.pollFirst();
      if (next != null) {
        write(c, next);
      } else {
        idle.addFirst(c); // LIFO: keep a hot working set of connections
      }
    }

    void reset() {
      for (Channel c : all) {
        c.attr(IN_FLIGHT).set(null);
        c.close();
      }
      all.clear();
      idle.clear();
      waiting.clear();
      open = 0;
    }

    void close() throws InterruptedException {
      loop.submit(this::reset).sync();
    }
  }

  static final class Handler extends SimpleChannelInboundHandler<FullHttpResponse> {
    private final Target target;

    Handler(Target target) {
      this.target = target;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse resp) {
      Req r = ctx.channel().attr(IN_FLIGHT).getAndSet(null);
      if (r != null) {
        int s = resp.status().code();
        r.phase.finish(
            r,
            s == 200,
            s == 200 ? null : "HTTP " + s + " " + resp.content().toString(StandardCharsets.UTF_8));
      }
      target.released(ctx.channel());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      Req r = ctx.channel().attr(IN_FLIGHT).getAndSet(null);
      if (target.all.remove(ctx.channel())) {
        target.open--;
        target.idle.remove(ctx.channel());
      }
      if (r != null) {
        r.phase.finish(r, false, "connection closed");
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  // ---- measurements ----

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

  /**
   * The q-quantile from the difference of two cumulative histograms, interpolated linearly inside
   * its bucket (Prometheus' histogram_quantile).
   */
  static double quantile(TreeMap<Double, Long> before, TreeMap<Double, Long> after, double q) {
    double prevBound = 0;
    long prevCount = 0;
    long total = 0;
    for (var e : after.entrySet()) {
      total = Math.max(total, e.getValue() - before.getOrDefault(e.getKey(), 0L));
    }
    if (total == 0) {
      return Double.NaN;
    }
    double rank = q * total;
    for (var e : after.entrySet()) {
      long c = e.getValue() - before.getOrDefault(e.getKey(), 0L);
      if (c >= rank) {
        if (e.getKey().isInfinite()) {
          return prevBound;
        }
        long inBucket = c - prevCount;
        return inBucket == 0
            ? e.getKey()
            : prevBound + (e.getKey() - prevBound) * (rank - prevCount) / inBucket;
      }
      prevBound = e.getKey();
      prevCount = c;
    }
    return Double.NaN;
  }

  /** Total CPU time in units of 100 ns: /1e5 per second of wall time is % of one core. */
  static long cpu(long pid) {
    return ProcessHandle.of(pid)
            .flatMap(h -> h.info().totalCpuDuration())
            .map(Duration::toNanos)
            .orElse(0L)
        / 100;
  }

  static String status(long pid, String key) throws IOException {
    for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (l.startsWith(key + ":")) {
        return l.substring(key.length() + 1).trim();
      }
    }
    return "?";
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "?";
    }
  }

  static int readPort(Process p) throws IOException {
    BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = r.readLine();
    if (line == null || !line.startsWith("port ")) {
      throw new IllegalStateException("upstream did not start: " + line);
    }
    return Integer.parseInt(line.substring(5).trim());
  }

  static void waitReady(HttpClient client, String url, Process p) throws Exception {
    ReliabilityHarness.waitReady(client, url, p, 90);
  }

  private static String arg(String[] args, String name, String dflt) {
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return dflt;
  }

  private GatewayLoadHarness() {}
}
