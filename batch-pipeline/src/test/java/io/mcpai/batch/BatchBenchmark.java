package io.mcpai.batch;

import io.mcpai.core.context.ContextFormatter;
import io.mcpai.core.context.FormattedContext;
import io.mcpai.core.context.ModelCatalog;
import io.mcpai.core.provider.GenerationCall;
import io.mcpai.core.provider.LmiCodec;
import io.mcpai.core.routing.ProviderRouter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Prompts per second through the bulk pipeline, against a plain sequential client loop and against
 * the endpoints' own capacity measured alone, on the same three in-process inference endpoints
 * (tiny model). Variants are interleaved round by round; run by hand:
 *
 * <pre>
 * ./mvnw -B -q -pl batch-pipeline -am test-compile
 * ./mvnw -B -q -o -pl batch-pipeline dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 \
 *   -cp batch-pipeline/target/test-classes:batch-pipeline/target/classes:$(cat /tmp/cp.txt) \
 *   io.mcpai.batch.BatchBenchmark prompts=3000 maxTokens=16 rounds=3 concurrency=96
 * </pre>
 *
 * "endpoints alone": the same LMI bodies the pipeline sends, {@code concurrency} in flight at once,
 * spread evenly: the most the endpoints deliver. "sequential": one request at a time through core's
 * router and client (what a script looping over the file does). "pipeline": {@code mcp-batch run}
 * on DirectRunner, wall time from start to merged output.
 */
public final class BatchBenchmark {
  private BatchBenchmark() {}

  static final int PROGRESS_SECONDS = Integer.getInteger("bench.progressSeconds", 0);

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new LinkedHashMap<>();
    for (String s : args) {
      a.put(s.substring(0, s.indexOf('=')), s.substring(s.indexOf('=') + 1));
    }
    int n = Integer.parseInt(a.getOrDefault("prompts", "3000"));
    int maxTokens = Integer.parseInt(a.getOrDefault("maxTokens", "16"));
    int rounds = Integer.parseInt(a.getOrDefault("rounds", "3"));
    int concurrency = Integer.parseInt(a.getOrDefault("concurrency", "96"));
    int sequential = Integer.parseInt(a.getOrDefault("sequential", String.valueOf(n / 10)));
    // Pipeline variants, separated by '|', each a comma-separated list of extra arguments.
    List<String> variants = List.of(a.getOrDefault("pipelineArgs", "").split("\\|", -1));
    Path tmp = Files.createTempDirectory("mcp-batch-bench");
    try (LocalEndpoints endpoints = LocalEndpoints.start(tmp.resolve("cache"), 3, false)) {
      Path providers = tmp.resolve("providers.yaml");
      Files.writeString(providers, endpoints.providersYaml());
      Path input = tmp.resolve("prompts.jsonl");
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        lines.add(
            "{\"custom_id\":\"b"
                + i
                + "\",\"user_input\":\"Tell me a short story about the number "
                + i
                + ".\",\"parameters\":{\"max_tokens\":"
                + maxTokens
                + ",\"temperature\":0}}");
      }
      Files.write(input, lines);
      ContextFormatter formatter = new ContextFormatter(ModelCatalog.defaults());
      List<byte[]> bodies = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String l = lines.get(i);
        FormattedContext fc = formatter.format(l.replaceFirst("\"custom_id\":\"b" + i + "\",", ""));
        GenerationCall c =
            PreparedPrompt.of(
                    new Prompt("b" + i, "bench", Prompt.PROTOCOL, Prompt.JSON.readTree("{}")), fc)
                .call("bench/b" + i);
        bodies.add(LmiCodec.request(c, false));
      }
      System.out.printf(
          "prompts=%d maxTokens=%d concurrency=%d sequential=%d cores=%d load=%.2f%n",
          n,
          maxTokens,
          concurrency,
          sequential,
          Runtime.getRuntime().availableProcessors(),
          ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      // Warm-up: JIT and the endpoints' first batches.
      alone(endpoints, bodies.subList(0, Math.min(n, 600)), concurrency);
      Map<String, List<Double>> rates = new LinkedHashMap<>();
      for (int r = 0; r < rounds; r++) {
        double load0 = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        // The endpoints' capacity: the better of one full decoding batch per endpoint in flight,
        // and three (a full batch running and two queued).
        double alone =
            Boolean.getBoolean("bench.skipAlone")
                ? 1
                : Math.max(
                    alone(endpoints, bodies, concurrency),
                    alone(endpoints, bodies, 3 * concurrency));
        rates.computeIfAbsent("endpoints alone", k -> new ArrayList<>()).add(alone);
        StringBuilder line = new StringBuilder();
        for (int v = 0; v < variants.size(); v++) {
          RunCommand.Summary sum =
              pipeline(input, tmp.resolve("out-" + r + "-" + v), providers, variants.get(v));
          String name = "pipeline " + (variants.get(v).isBlank() ? "(defaults)" : variants.get(v));
          double pipe = sum.promptsPerSecond();
          double calling = sum.callingPromptsPerSecond();
          rates.computeIfAbsent(name + " end to end", k -> new ArrayList<>()).add(pipe);
          rates.computeIfAbsent(name + " calling phase", k -> new ArrayList<>()).add(calling);
          line.append(
              String.format(
                  ", %s %.1f/s end to end (%.0f%%), %.1f/s calling phase (%.0f%%)",
                  name, pipe, 100 * pipe / alone, calling, 100 * calling / alone));
        }
        double seq =
            sequential > 0 ? sequential(providers, formatter, lines.subList(0, sequential)) : 0;
        rates.computeIfAbsent("sequential", k -> new ArrayList<>()).add(seq);
        System.out.printf(
            "round %d (load %.2f): endpoints alone %.1f/s%s, sequential %.1f/s%n",
            r, load0, alone, line, seq);
      }
      rates.forEach(
          (k, v) -> {
            List<Double> s = new ArrayList<>(v);
            Collections.sort(s);
            System.out.printf(
                "%-60s median %.1f prompts/s (min %.1f, max %.1f)%n",
                k, s.get(s.size() / 2), s.get(0), s.get(s.size() - 1));
          });
    }
  }

  /** The endpoints alone: {@code concurrency} requests in flight, round-robin. */
  static double alone(LocalEndpoints e, List<byte[]> bodies, int concurrency) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    Semaphore slots = new Semaphore(concurrency);
    AtomicInteger failed = new AtomicInteger();
    List<CompletableFuture<?>> all = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < bodies.size(); i++) {
      slots.acquire();
      int port = e.endpoints.get(i % e.endpoints.size()).port();
      HttpRequest req =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/invocations"))
              .header("content-type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(i)))
              .build();
      all.add(
          http.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray())
              .whenComplete(
                  (r, err) -> {
                    if (err != null || r.statusCode() != 200) {
                      failed.incrementAndGet();
                    }
                    slots.release();
                  }));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    double s = (System.nanoTime() - t0) / 1e9;
    if (failed.get() > 0) {
      System.out.println("endpoints alone: " + failed.get() + " failed");
    }
    return (bodies.size() - failed.get()) / s;
  }

  static RunCommand.Summary pipeline(Path input, Path out, Path providers, String extra)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--input",
                input.toString(),
                "--output",
                out.toString(),
                "--job-id",
                "bench-" + out.getFileName(),
                "--progressSeconds=" + PROGRESS_SECONDS));
    if (!extra.isBlank()) {
      args.addAll(List.of(extra.split(",")));
    }
    BatchOptions o = RunCommand.options(args, Map.of("MCP_PROVIDERS_FILE", providers.toString()));
    RunCommand.Summary s =
        RunCommand.run(
            o, PROGRESS_SECONDS > 0 ? System.out : new PrintStream(new ByteArrayOutputStream()));
    if (s.failed() > 0 || s.done() == 0) {
      System.out.println("pipeline: " + s);
    }
    return s;
  }

  /** One request at a time through the router, as a loop over the file would. */
  static double sequential(Path providers, ContextFormatter formatter, List<String> lines)
      throws Exception {
    BatchSettings s =
        new BatchSettings("seq", "unused", Files.readString(providers), null, 3, 1, 1, 0, 100);
    Fleet fleet = Fleet.acquire(s);
    try {
      ProviderRouter router = fleet.router;
      long t0 = System.nanoTime();
      for (int i = 0; i < lines.size(); i++) {
        FormattedContext fc =
            formatter.format(lines.get(i).replaceFirst("\"custom_id\":\"b" + i + "\",", ""));
        GenerationCall c =
            PreparedPrompt.of(
                    new Prompt("b" + i, "seq", Prompt.PROTOCOL, Prompt.JSON.readTree("{}")), fc)
                .call("seq/b" + i);
        router.generate(c, null).join();
      }
      return lines.size() / ((System.nanoTime() - t0) / 1e9);
    } finally {
      Fleet.release(fleet);
    }
  }
}
