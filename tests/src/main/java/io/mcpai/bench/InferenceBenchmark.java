package io.mcpai.bench;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import io.mcpai.core.tokenizer.Tokenizer;
import io.mcpai.inference.engine.DjlLlama;
import io.mcpai.inference.engine.LlamaEngine;
import io.mcpai.inference.engine.OwnThread;
import io.mcpai.inference.generate.FinishReason;
import io.mcpai.inference.generate.Generation;
import io.mcpai.inference.generate.GenerationListener;
import io.mcpai.inference.generate.InferenceMetrics;
import io.mcpai.inference.generate.SamplingParams;
import io.mcpai.inference.generate.Scheduler;
import io.mcpai.inference.generate.SchedulerConfig;
import io.mcpai.inference.model.LlamaConfig;
import io.mcpai.inference.model.ModelWeights;
import io.mcpai.inference.model.RandomLlama;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Decode throughput of the inference endpoint's DJL engine on random models of llama2.c's
 * stories15M and stories110M shapes. Run by hand (not a test):
 *
 * <pre>
 * ./mvnw -B -o -q -pl tests -am package -DskipTests
 * java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 -cp tests/target/benchmarks.jar \
 *     io.mcpai.bench.InferenceBenchmark 15m [tokens=128] [streams=1,4,16,64] [repeats=3] \
 *     [threads=1,2] [dtype=f32|bf16]
 * </pre>
 *
 * Neither side asks for log-probs (as OpenAI chat clients and plain LMI requests do not), so both
 * measure plain greedy decoding.
 *
 * <p>Single stream: one sequence, decode steps only (prefill excluded), median of repeats.
 * Aggregate: N concurrent requests through the continuous-batching scheduler, all generated tokens
 * over wall time, median of repeats after one warm-up run (the script's first runs at a batch size
 * are slower); TTFT is submission to first token, from the median run. Peak RSS is the process's
 * VmHWM. With threads=1,2 each thread count runs in turn in the same process; ratios are given
 * against the first count's single stream (the one-thread baseline) and against the same
 * count's.
 */
public final class InferenceBenchmark {
  private InferenceBenchmark() {}

  static LlamaConfig shape(String name) {
    return switch (name) {
      case "15m" -> new LlamaConfig(288, 768, 6, 6, 6, 32000, 256, 10000, 1e-5, false, 1, 2);
      case "110m" -> new LlamaConfig(768, 2048, 12, 12, 12, 32000, 1024, 10000, 1e-5, false, 1, 2);
      case "7b" -> new LlamaConfig(4096, 11008, 32, 32, 32, 32000, 4096, 10000, 1e-5, false, 1, 2);
      default -> throw new IllegalArgumentException("shape must be 15m, 110m or 7b");
    };
  }

  /** The weights' type: f32 (default) or bf16 (projections in bf16, activations F32). */
  static DataType dtype(String name) {
    return switch (name) {
      case "f32", "float32" -> DataType.FLOAT32;
      case "bf16", "bfloat16" -> DataType.BFLOAT16;
      default -> throw new IllegalArgumentException("dtype must be f32 or bf16");
    };
  }

  public static void main(String[] args) throws Exception {
    String shapeName = args.length > 0 ? args[0] : "15m";
    int tokens = 128;
    int repeats = 3;
    int[] streams = {1, 4, 16, 64};
    int[] threads = {Integer.getInteger("ai.djl.pytorch.num_threads", 1)};
    DataType dtype = DataType.FLOAT32;
    for (String a : Arrays.copyOfRange(args, Math.min(1, args.length), args.length)) {
      if (a.startsWith("tokens=")) {
        tokens = Integer.parseInt(a.substring(7));
      } else if (a.startsWith("repeats=")) {
        repeats = Integer.parseInt(a.substring(8));
      } else if (a.startsWith("threads=")) {
        threads = Arrays.stream(a.substring(8).split(",")).mapToInt(Integer::parseInt).toArray();
      } else if (a.startsWith("dtype=")) {
        dtype = dtype(a.substring(6));
      } else if (a.startsWith("streams=")) {
        streams = Arrays.stream(a.substring(8).split(",")).mapToInt(Integer::parseInt).toArray();
      }
    }
    LlamaConfig c = shape(shapeName);
    Path dir = Files.createTempDirectory("mcp-bench-" + shapeName);
    long t0 = System.nanoTime();
    RandomLlama.write(dir, c, 1);
    System.out.printf(
        "model %s: dim %d, layers %d, heads %d, vocab %d, hidden %d (written in %.1fs)%n",
        shapeName,
        c.hiddenSize(),
        c.numLayers(),
        c.numHeads(),
        c.vocabSize(),
        c.intermediateSize(),
        (System.nanoTime() - t0) / 1e9);
    Device device = Device.cpu();
    try (ModelWeights w = ModelWeights.open(dir);
        DjlLlama engine = new DjlLlama(w, device, dtype)) {
      System.out.printf(
          "engine %s, intra-op threads %s%n", engine.describe(), Arrays.toString(threads));
      int decode = Math.min(tokens, c.maxPositions() - 9);
      // The single stream runs on threads of its own, as the scheduler's requests do: decoded
      // here, this thread's OpenMP pool would outlive it and slow every scheduler after it.
      OwnThread.call("single-stream", () -> singleStream(engine, decode, 1)); // warm-up
      double baseline = 0; // the baseline: single stream with the first thread count (1)
      for (int t : threads) {
        // libtorch keeps the count and applies it to each new thread at its first op: the single
        // stream's and each scheduler's.
        JniUtils.setNumThreads(t);
        double[] rates = new double[repeats];
        for (int r = 0; r < repeats; r++) {
          int seed = r + 2;
          rates[r] = OwnThread.call("single-stream", () -> singleStream(engine, decode, seed));
        }
        Arrays.sort(rates);
        double single = rates[repeats / 2];
        if (baseline == 0) {
          baseline = single;
        }
        System.out.printf(
            "threads %d: single stream decode: median %.1f tok/s (min %.1f, max %.1f, %d runs of %d tokens)%n",
            t, single, rates[0], rates[repeats - 1], repeats, decode);
        for (int n : streams) {
          aggregate(engine, n, decode); // warm-up: the script's first runs at this batch
          Run[] runs = new Run[repeats];
          for (int r = 0; r < repeats; r++) {
            runs[r] = aggregate(engine, n, decode);
          }
          Arrays.sort(runs, java.util.Comparator.comparingDouble(Run::tokensPerSecond));
          Run mid = runs[repeats / 2];
          System.out.printf(
              "threads %d, streams %3d: aggregate median %.1f tok/s (min %.1f, max %.1f, %d runs; %.2fx 1-thread single, %.2fx same-threads single), TTFT median %.1f ms, p90 %.1f ms, %d tokens in %.2fs%n",
              t,
              n,
              mid.tokensPerSecond(),
              runs[0].tokensPerSecond(),
              runs[repeats - 1].tokensPerSecond(),
              repeats,
              mid.tokensPerSecond() / baseline,
              mid.tokensPerSecond() / single,
              mid.ttftMedianMs(),
              mid.ttftP90Ms(),
              mid.tokens(),
              mid.seconds());
        }
      }
    }
    System.out.printf("peak RSS: %d MiB%n", peakRssKb() / 1024);
  }

  static double singleStream(LlamaEngine e, int n, int seed) {
    try (LlamaEngine.Sequence s = e.newSequence()) {
      int[] prompt = {1, 100 + seed, 200, 300, 400, 500, 600, 700};
      // Greedy through engine.step, as the scheduler serves a greedy request (argmax native).
      boolean[] greedy = {false};
      int t = e.step(List.of(s), List.<int[]>of(prompt), greedy, false).greedy()[0];
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        t = e.step(List.of(s), List.<int[]>of(new int[] {t}), greedy, false).greedy()[0];
      }
      return n / ((System.nanoTime() - start) / 1e9);
    }
  }

  /** One run of n concurrent streams through the scheduler. */
  record Run(
      double tokensPerSecond, double ttftMedianMs, double ttftP90Ms, long tokens, double seconds) {}

  static Run aggregate(LlamaEngine e, int n, int tokens) throws Exception {
    Tokenizer tok = new NullTokenizer(e.config().vocabSize());
    try (Scheduler s =
        new Scheduler(
            e, tok, new SchedulerConfig(Math.max(n, 1), 1 << 20, n + 1), new InferenceMetrics())) {
      List<CompletableFuture<Long>> ttfts = new ArrayList<>();
      List<CompletableFuture<Integer>> done = new ArrayList<>();
      long start = System.nanoTime();
      for (int i = 0; i < n; i++) {
        CompletableFuture<Long> first = new CompletableFuture<>();
        CompletableFuture<Integer> fin = new CompletableFuture<>();
        ttfts.add(first);
        done.add(fin);
        long submitted = System.nanoTime();
        int[] prompt = {1, 10 + i, 20 + i, 30, 40, 50, 60, 70};
        s.submit(
            prompt,
            SamplingParams.greedy(tokens).withLogProbs(false), // like a chat client's stream
            new GenerationListener() {
              @Override
              public void onToken(
                  Generation g, int id, String t, float lp, String d, FinishReason f) {
                first.complete(System.nanoTime() - submitted);
                if (f != null) {
                  fin.complete(g.generatedTokens());
                }
              }

              @Override
              public void onError(Generation g, Throwable err) {
                fin.completeExceptionally(err);
              }
            });
      }
      long total = 0;
      for (var f : done) {
        total += f.get(600, TimeUnit.SECONDS);
      }
      double secs = (System.nanoTime() - start) / 1e9;
      double[] t = ttfts.stream().mapToDouble(f -> f.join() / 1e6).sorted().toArray();
      return new Run(
          total / secs,
          t[t.length / 2],
          t[(int) Math.min(t.length - 1, Math.floor(t.length * 0.9))],
          total,
          secs);
    }
  }

  static int argmax(float[] v) {
    int b = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[b]) {
        b = i;
      }
    }
    return b;
  }

  static long peakRssKb() {
    try {
      for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (l.startsWith("VmHWM:")) {
          return Long.parseLong(l.replaceAll("[^0-9]", ""));
        }
      }
    } catch (Exception ignored) {
      // not Linux
    }
    return -1;
  }

  /** Ids only: the random model has no tokenizer, and text is not what is measured. */
  static final class NullTokenizer implements Tokenizer {
    final int vocab;

    NullTokenizer(int vocab) {
      this.vocab = vocab;
    }

    @Override
    public int[] encode(String text) {
      return new int[0];
    }

    @Override
    public String decode(int[] ids) {
      return "";
    }

    @Override
    public String pieceText(int id) {
      return "";
    }

    @Override
    public int vocabSize() {
      return vocab;
    }

    @Override
    public int bosId() {
      return 1;
    }

    @Override
    public int eosId() {
      return -1; // never stop early: every stream generates the same number of tokens
    }

    @Override
    public int specialTokenId(String token) {
      return -1;
    }

    @Override
    public String source() {
      return "none (ids only)";
    }
  }
}
