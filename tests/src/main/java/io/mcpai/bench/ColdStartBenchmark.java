package io.mcpai.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Cold start of each cloud package: from starting a fresh JVM to the first correct {@code POST
 * /v1/format} (200) and then {@code POST /v1/generate} (200, from a real LMI upstream) answer,
 * median of several runs per variant, variants interleaved so machine noise spreads evenly. Each
 * package runs as its platform runs it: AWS through a Lambda-runtime stand-in calling {@code
 * FunctionInvoker::handleRequest} with API Gateway v2 events ({@link LambdaShim}), GCP in the real
 * functions-framework invoker on a port, Azure through the worker's instance injector ({@link
 * AzureWorkerShim}), and the local web runner jar for reference. Also prints package sizes.
 *
 * <pre>
 * ./mvnw -B -q -pl functions/aws,functions/gcp,functions/azure,tests -am package -DskipTests
 * java -cp tests/target/classes io.mcpai.bench.ColdStartBenchmark [runs] [invoker.jar]
 * </pre>
 */
public final class ColdStartBenchmark {
  static final String FORMAT_BODY =
      "{\"system_prompt\":\"You are terse.\",\"user_input\":\"Hello world\","
          + "\"parameters\":{\"max_tokens\":16}}";
  static final String GENERATE_BODY =
      "{\"user_input\":\"Name a colour.\",\"parameters\":{\"max_tokens\":8}}";
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();

  static final String AWS_JAR = "functions/aws/target/mcp-functions-aws.jar";
  static final String AWS_BASELINE = System.getProperty("coldstart.awsBaseline");

  private ColdStartBenchmark() {}

  /** One way to start one package. */
  record Variant(String name, String pkg, List<String> jvmFlags) {}

  record Sample(double formatMs, double generateMs, double cpuMs) {}

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    Path invokerJar =
        Path.of(
            args.length > 1
                ? args[1]
                : System.getProperty("user.home")
                    + "/.m2/repository/com/google/cloud/functions/invoker/java-function-invoker/2.0.0/java-function-invoker-2.0.0.jar");
    Path work = Files.createDirectories(Path.of("tests/target/coldstart"));
    Files.writeString(work.resolve("format.json"), lambdaEvent("/v1/format", FORMAT_BODY));
    Files.writeString(work.resolve("generate.json"), lambdaEvent("/v1/generate", GENERATE_BODY));
    Files.writeString(work.resolve("format-body.json"), FORMAT_BODY);
    Files.writeString(work.resolve("generate-body.json"), GENERATE_BODY);

    shimsJar(work.resolve("shims.jar"));
    Process upstream = startUpstream();
    int upstreamPort = readPort(upstream);
    Map<String, String> env = new LinkedHashMap<>();
    env.put("MCP_MODEL_SERVICE_AWS", "http://127.0.0.1:" + upstreamPort);
    env.put("MCP_MODEL_SERVICE_CONTEXT_WINDOW", "4096");
    env.put("MCP_REQUEST_LOG", "off");
    env.put("MCP_HEALTH_INTERVAL_MS", "600000");

    List<String> c1 = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    List<Variant> variants = new ArrayList<>();
    variants.add(new Variant("web runner jar (jvm.options)", "web", jvmOptions()));
    variants.add(new Variant("AWS, JVM defaults", "aws", List.of()));
    variants.add(new Variant("AWS, SerialGC + C1", "aws", c1));
    variants.add(new Variant("AWS, SerialGC + C1 + AppCDS", "aws", plus(c1, cds(work, "aws"))));
    variants.add(
        new Variant(
            "AWS, SerialGC + C1 + AppCDS + lazy init",
            "aws",
            plus(plus(c1, cds(work, "aws")), List.of("-Dspring.main.lazy-initialization=true"))));
    // An older AWS jar to compare with in the same run (e.g. one built before Spring AOT):
    // -Dcoldstart.awsBaseline=path/to/mcp-functions-aws.jar
    if (AWS_BASELINE != null) {
      variants.add(
          new Variant(
              "AWS baseline jar, SerialGC + C1 + AppCDS",
              "aws-baseline",
              plus(c1, cds(work, "aws-baseline"))));
    }
    variants.add(new Variant("GCP, SerialGC + C1", "gcp", c1));
    variants.add(new Variant("GCP, SerialGC + C1 + AppCDS", "gcp", plus(c1, cds(work, "gcp"))));
    variants.add(new Variant("Azure, SerialGC + C1", "azure", c1));

    String loadBefore = loadAverage();
    // The AppCDS archives: one training run per package, dumping the classes it loaded.
    for (String pkg :
        AWS_BASELINE == null ? List.of("aws", "gcp") : List.of("aws", "aws-baseline", "gcp")) {
      Path jsa = work.resolve(pkg + ".jsa");
      Files.deleteIfExists(jsa);
      run(
          new Variant("dump", pkg, plus(c1, List.of("-XX:ArchiveClassesAtExit=" + jsa))),
          env,
          work,
          invokerJar);
      System.err.println("AppCDS archive " + jsa + ": " + Files.size(jsa) / 1024 + " KiB");
    }
    Map<Variant, List<Sample>> samples = new LinkedHashMap<>();
    for (int r = 0; r < runs; r++) {
      for (Variant v : variants) {
        Sample s = run(v, env, work, invokerJar);
        samples.computeIfAbsent(v, k -> new ArrayList<>()).add(s);
        System.err.printf(
            "run %d %-45s format %7.0f ms  generate %7.0f ms  cpu %7.0f ms%n",
            r, v.name(), s.formatMs(), s.generateMs(), s.cpuMs());
      }
    }
    upstream.destroy();
    String loadAfter = loadAverage();

    StringBuilder md = new StringBuilder();
    md.append("Runs per variant: ")
        .append(runs)
        .append(", interleaved. Load average before: ")
        .append(loadBefore)
        .append("; after: ")
        .append(loadAfter)
        .append(". ")
        .append(Runtime.version())
        .append(", ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" CPUs.\n\n");
    md.append(
        "| variant | first /v1/format, median (min-max) | first /v1/generate, median (min-max) | vs AWS defaults | CPU time to first /v1/generate, median |\n");
    md.append("| --- | --- | --- | --- | --- |\n");
    double base =
        median(samples.get(variants.get(1)).stream().mapToDouble(Sample::generateMs).toArray());
    for (Map.Entry<Variant, List<Sample>> e : samples.entrySet()) {
      double[] f = e.getValue().stream().mapToDouble(Sample::formatMs).toArray();
      double[] g = e.getValue().stream().mapToDouble(Sample::generateMs).toArray();
      double[] c = e.getValue().stream().mapToDouble(Sample::cpuMs).toArray();
      md.append(
          String.format(
              "| %s | %.0f ms (%.0f-%.0f) | %.0f ms (%.0f-%.0f) | %.2fx | %.0f ms |%n",
              e.getKey().name(),
              median(f),
              min(f),
              max(f),
              median(g),
              min(g),
              max(g),
              median(g) / base,
              median(c)));
    }
    md.append("\n| package | size |\n| --- | --- |\n");
    for (String p :
        List.of(
            "functions/aws/target/mcp-functions-aws.jar",
            "functions/gcp/target/mcp-functions-gcp.zip",
            "functions/azure/target/mcp-functions-azure.zip",
            "functions/app/target/mcp-gateway.jar")) {
      Path f = Path.of(p);
      md.append(
          String.format(
              "| `%s` | %s |%n",
              p, Files.exists(f) ? String.format("%.1f MB", Files.size(f) / 1e6) : "not built"));
    }
    System.out.println(md);
    Files.writeString(work.resolve("results.md"), md);
  }

  /** The shims as a jar: AppCDS archives only jars, never a class directory. */
  static void shimsJar(Path jar) throws IOException {
    Path classes = Path.of("tests/target/classes");
    try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar));
        var files = Files.list(classes.resolve("io/mcpai/bench"))) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        if (name.startsWith("LambdaShim") || name.startsWith("AzureWorkerShim")) {
          out.putNextEntry(new java.util.jar.JarEntry("io/mcpai/bench/" + name));
          out.write(Files.readAllBytes(f));
          out.closeEntry();
        }
      }
    }
  }

  static List<String> plus(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  static List<String> cds(Path work, String pkg) {
    return List.of(
        "-XX:SharedArchiveFile=" + work.resolve(pkg + ".jsa"),
        "-Xlog:cds=off",
        "-Xlog:cds+dynamic=off");
  }

  static List<String> jvmOptions() throws IOException {
    return Arrays.asList(
        Files.readString(Path.of("functions/app/jvm.options")).trim().split("\\s+"));
  }

  static Sample run(Variant v, Map<String, String> env, Path work, Path invokerJar)
      throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java));
    cmd.addAll(v.jvmFlags());
    String shims = work.resolve("shims.jar").toString();
    int port = freePort();
    Map<String, String> childEnv = new LinkedHashMap<>(env);
    boolean polled;
    switch (v.pkg()) {
      case "aws", "aws-baseline" -> {
        String jar = v.pkg().equals("aws") ? AWS_JAR : AWS_BASELINE;
        cmd.addAll(
            List.of(
                "-cp",
                jar + File.pathSeparator + shims,
                LambdaShim.class.getName(),
                "org.springframework.cloud.function.adapter.aws.FunctionInvoker::handleRequest",
                work.resolve("format.json").toString(),
                work.resolve("generate.json").toString()));
        childEnv.put("SPRING_CLOUD_FUNCTION_DEFINITION", "gateway");
        polled = false;
      }
      case "azure" -> {
        String staging = "functions/azure/target/azure-functions/mcp-functions-azure/";
        // The worker provides the Azure Functions Java library; the package does not carry it.
        String m2 =
            System.getProperty("user.home") + "/.m2/repository/com/microsoft/azure/functions/";
        String worker =
            m2
                + "azure-functions-java-library/3.1.0/azure-functions-java-library-3.1.0.jar"
                + File.pathSeparator
                + m2
                + "azure-functions-java-core-library/1.2.0/azure-functions-java-core-library-1.2.0.jar";
        cmd.addAll(
            List.of(
                "-cp",
                staging
                    + "mcp-functions-azure.jar"
                    + File.pathSeparator
                    + staging
                    + "lib/*"
                    + File.pathSeparator
                    + worker
                    + File.pathSeparator
                    + shims,
                AzureWorkerShim.class.getName(),
                "io.mcpai.functions.azure.GatewayHttpTrigger",
                "POST",
                "/v1/format",
                work.resolve("format-body.json").toString(),
                "POST",
                "/v1/generate",
                work.resolve("generate-body.json").toString()));
        childEnv.put("MAIN_CLASS", "io.mcpai.functions.azure.AzureFunctions");
        polled = false;
      }
      case "gcp" -> {
        cmd.addAll(
            List.of(
                "-jar",
                invokerJar.toString(),
                "--classpath",
                "functions/gcp/target/mcp-functions-gcp.jar",
                "--target",
                "io.mcpai.functions.gcp.GcpHttpGateway",
                "--port",
                Integer.toString(port)));
        polled = true;
      }
      default -> {
        cmd.addAll(
            List.of("-jar", "functions/app/target/mcp-gateway.jar", "--server.port=" + port));
        polled = true;
      }
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(childEnv);
    Path log = work.resolve(v.pkg() + ".log");
    long start = System.nanoTime();
    if (polled) {
      pb.redirectOutput(log.toFile());
      Process p = pb.start();
      try {
        double f = pollUntil200(p, port, "/v1/format", FORMAT_BODY, start, log);
        double g = pollUntil200(p, port, "/v1/generate", GENERATE_BODY, start, log);
        return new Sample(f, g, cpuMillis(p.pid()));
      } finally {
        p.destroy();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
    Process p = pb.start();
    double f = -1;
    double g = -1;
    double cpu = -1;
    StringBuilder out = new StringBuilder();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        out.append(line).append('\n');
        if (line.startsWith("DONE ")) {
          double ms = (System.nanoTime() - start) / 1e6;
          if (!line.contains(" 200 cpu ")) {
            throw new IllegalStateException(v.name() + ": not 200: " + line + "\n" + out);
          }
          if (f < 0) {
            f = ms;
          } else {
            g = ms;
            cpu = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
          }
        }
      }
    }
    p.waitFor();
    if (g < 0) {
      Files.writeString(log, out);
      throw new IllegalStateException(v.name() + " did not answer both requests; see " + log);
    }
    return new Sample(f, g, cpu);
  }

  /** utime + stime of a running process, from /proc (clock ticks of 10 ms on Linux). */
  static double cpuMillis(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10.0;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  static double pollUntil200(Process p, int port, String path, String body, long start, Path log)
      throws Exception {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("content-type", "application/json")
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    long deadline = start + Duration.ofSeconds(120).toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("exited; see " + log);
      }
      try {
        HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return (System.nanoTime() - start) / 1e6;
        }
        throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
      } catch (IOException notYet) {
        Thread.sleep(10);
      }
    }
    throw new IllegalStateException("no answer within 120 s; see " + log);
  }

  static Process startUpstream() throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java, "-cp", "tests/target/benchmarks.jar", GatewayUpstream.class.getName(), "0")
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
  }

  static int readPort(Process p) throws IOException {
    BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    for (String line; (line = r.readLine()) != null; ) {
      if (line.startsWith("port ")) {
        return Integer.parseInt(line.substring(5).trim());
      }
    }
    throw new IllegalStateException("the upstream did not print its port");
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg"))
          .trim()
          .replaceAll("^(\\S+ \\S+ \\S+).*", "$1");
    } catch (IOException e) {
      return "?";
    }
  }

  /** An API Gateway HTTP API / Function URL event (payload 2.0). */
  static String lambdaEvent(String path, String body) {
    String escaped = body.replace("\\", "\\\\").replace("\"", "\\\"");
    return "{\"version\":\"2.0\",\"routeKey\":\"$default\",\"rawPath\":\""
        + path
        + "\",\"rawQueryString\":\"\","
        + "\"headers\":{\"content-type\":\"application/json\",\"host\":\"x.lambda-url.us-east-1.on.aws\"},"
        + "\"requestContext\":{\"http\":{\"method\":\"POST\",\"path\":\""
        + path
        + "\",\"protocol\":\"HTTP/1.1\","
        + "\"sourceIp\":\"203.0.113.7\"},\"requestId\":\"bench\",\"stage\":\"$default\"},"
        + "\"body\":\""
        + escaped
        + "\",\"isBase64Encoded\":false}";
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  static double min(double[] v) {
    return Arrays.stream(v).min().orElse(0);
  }

  static double max(double[] v) {
    return Arrays.stream(v).max().orElse(0);
  }
}
