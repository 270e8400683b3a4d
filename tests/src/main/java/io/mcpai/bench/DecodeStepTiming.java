package io.mcpai.bench;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import io.mcpai.inference.engine.DjlLlama;
import io.mcpai.inference.engine.LlamaEngine;
import io.mcpai.inference.model.LlamaConfig;
import io.mcpai.inference.model.ModelWeights;
import io.mcpai.inference.model.RandomLlama;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The engine's decode step time alone (no scheduler, no profiler): {@code batch} sequences decode
 * greedily together, timed in windows of 8 steps; prints the min, median and max window. On a
 * shared machine the min is the figure least disturbed by other processes. {@code logprobs=off}
 * (the default) times steps without the greedy log-probs, as the scheduler runs them for requests
 * that show none; {@code logprobs=on} computes them. It uses only the engine's public API, so an
 * older build's engine can be timed by putting its jar first on the class path (F32 only there, and
 * with {@code logprobs=on}: older engines always computed them):
 *
 * <pre>
 * java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 -cp [old.jar:]tests/target/benchmarks.jar \
 *     io.mcpai.bench.DecodeStepTiming 15m [batch=16] [dtype=f32|bf16] [threads=1] [windows=24] \
 *     [logprobs=off|on]
 * </pre>
 */
public final class DecodeStepTiming {
  private DecodeStepTiming() {}

  public static void main(String[] args) throws Exception {
    String shapeName = args.length > 0 ? args[0] : "15m";
    int batch = 16;
    int threads = 1;
    int windows = 24;
    String dtypeName = "f32";
    boolean logProbs = false;
    for (String a : Arrays.copyOfRange(args, Math.min(1, args.length), args.length)) {
      String v = a.substring(a.indexOf('=') + 1);
      if (a.startsWith("batch=")) {
        batch = Integer.parseInt(v);
      } else if (a.startsWith("threads=")) {
        threads = Integer.parseInt(v);
      } else if (a.startsWith("windows=")) {
        windows = Integer.parseInt(v);
      } else if (a.startsWith("dtype=")) {
        dtypeName = v;
      } else if (a.startsWith("logprobs=")) {
        logProbs = v.equals("on") || v.equals("true");
      }
    }
    // parsed here, not by InferenceBenchmark: an older build's copy of that class comes first
    DataType dtype = dtypeName.startsWith("bf") ? DataType.BFLOAT16 : DataType.FLOAT32;
    LlamaConfig c = InferenceBenchmark.shape(shapeName);
    Path dir = Files.createTempDirectory("mcp-steps-" + shapeName);
    RandomLlama.write(dir, c, 1);
    try (ModelWeights w = ModelWeights.open(dir);
        DjlLlama engine = new DjlLlama(w, Device.cpu(), dtype)) {
      JniUtils.setNumThreads(threads);
      List<LlamaEngine.Sequence> seqs = new ArrayList<>();
      List<int[]> next = new ArrayList<>();
      for (int i = 0; i < batch; i++) {
        LlamaEngine.Sequence s = engine.newSequence();
        seqs.add(s);
        engine.forward(List.of(s), List.<int[]>of(new int[] {1, 10 + i, 20, 30, 40, 50, 60, 70}));
        next.add(new int[] {100 + i});
      }
      int perWindow = 8;
      if (8 + (windows + 2) * perWindow > c.maxPositions()) {
        throw new IllegalArgumentException("too many windows for the context");
      }
      boolean[] greedy = new boolean[batch]; // as the scheduler serves greedy requests
      double[] ms = new double[windows];
      for (int r = -2; r < windows; r++) { // two warm-up windows
        long t0 = System.nanoTime();
        for (int k = 0; k < perWindow; k++) {
          // the three-argument step (with log-probs) is the one older engines have
          int[] g =
              (logProbs ? engine.step(seqs, next, greedy) : engine.step(seqs, next, greedy, false))
                  .greedy();
          for (int i = 0; i < batch; i++) {
            next.set(i, new int[] {g[i]});
          }
        }
        if (r >= 0) {
          ms[r] = (System.nanoTime() - t0) / 1e6 / perWindow;
        }
      }
      Arrays.sort(ms);
      double median = ms[windows / 2];
      System.out.printf(
          "%s %s, batch %d, threads %d, log-probs %s: ms/step min %.2f median %.2f max %.2f (%d windows of %d"
              + " steps); tok/s at the median %.0f%n",
          shapeName,
          dtypeName,
          batch,
          threads,
          logProbs ? "on" : "off",
          ms[0],
          median,
          ms[windows - 1],
          windows,
          perWindow,
          batch * 1000 / median);
    }
  }
}
