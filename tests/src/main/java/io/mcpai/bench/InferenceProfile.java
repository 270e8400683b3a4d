package io.mcpai.bench;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpai.inference.engine.DjlLlama;
import io.mcpai.inference.engine.LlamaEngine;
import io.mcpai.inference.model.LlamaConfig;
import io.mcpai.inference.model.ModelWeights;
import io.mcpai.inference.model.RandomLlama;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a decode step's time goes: runs decode steps of the DJL engine under libtorch's own
 * profiler and sums the top-level ATen ops by name and input shapes, per step. What the ops do not
 * cover is Java and JNI (array handles, NDManager bookkeeping, copies to float[]). Run by hand:
 *
 * <pre>
 * java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1 -cp tests/target/benchmarks.jar \
 *     io.mcpai.bench.InferenceProfile 15m [steps=100] [batch=1] [top=25] [dtype=f32|bf16]
 * </pre>
 *
 * The profiler adds a few microseconds per op, so compare shares, not the absolute step time; the
 * un-profiled step time is printed first.
 */
public final class InferenceProfile {
  private InferenceProfile() {}

  public static void main(String[] args) throws Exception {
    String shapeName = args.length > 0 ? args[0] : "15m";
    int steps = 100;
    int batch = 1;
    int top = 25;
    DataType dtype = DataType.FLOAT32;
    for (String a : Arrays.copyOfRange(args, Math.min(1, args.length), args.length)) {
      if (a.startsWith("steps=")) {
        steps = Integer.parseInt(a.substring(6));
      } else if (a.startsWith("batch=")) {
        batch = Integer.parseInt(a.substring(6));
      } else if (a.startsWith("dtype=")) {
        dtype = InferenceBenchmark.dtype(a.substring(6));
      } else if (a.startsWith("top=")) {
        top = Integer.parseInt(a.substring(4));
      }
    }
    LlamaConfig c = InferenceBenchmark.shape(shapeName);
    Path dir = Files.createTempDirectory("mcp-profile-" + shapeName);
    RandomLlama.write(dir, c, 1);
    Path trace = dir.resolve("trace.json");
    try (ModelWeights w = ModelWeights.open(dir);
        DjlLlama engine = new DjlLlama(w, Device.cpu(), dtype)) {
      run(engine, batch, steps); // warm-up
      long t0 = System.nanoTime();
      run(engine, batch, steps);
      double plainMs = (System.nanoTime() - t0) / 1e6 / steps;
      JniUtils.startProfile(false, true, false);
      t0 = System.nanoTime();
      run(engine, batch, steps);
      double profiledMs = (System.nanoTime() - t0) / 1e6 / steps;
      JniUtils.stopProfile(trace.toString());
      System.out.printf(
          "%s, batch %d, %d decode steps: %.3f ms/step un-profiled, %.3f ms/step profiled%n",
          shapeName, batch, steps, plainMs, profiledMs);
      report(trace, steps, profiledMs, top);
    } finally {
      Files.deleteIfExists(trace);
    }
  }

  /** Prefills {@code batch} short prompts, then decodes {@code steps} tokens for all of them. */
  static void run(LlamaEngine e, int batch, int steps) {
    List<LlamaEngine.Sequence> seqs = new ArrayList<>();
    List<int[]> prompts = new ArrayList<>();
    for (int i = 0; i < batch; i++) {
      LlamaEngine.Sequence s = e.newSequence();
      seqs.add(s);
      e.forward(List.of(s), List.<int[]>of(new int[] {1, 10 + i, 20, 30, 40, 50, 60, 70}));
      prompts.add(new int[] {100 + i});
    }
    try {
      boolean[] greedy = new boolean[batch]; // as the scheduler serves greedy requests
      for (int i = 0; i < steps; i++) {
        int[] next = e.step(seqs, prompts, greedy, false).greedy(); // as InferenceBenchmark
        for (int b = 0; b < batch; b++) {
          prompts.set(b, new int[] {next[b]});
        }
      }
    } finally {
      seqs.forEach(LlamaEngine.Sequence::close);
    }
  }

  /**
   * Sums top-level ops (those not nested in another op) of the trace. Prefill ops are included but
   * are a small share over {@code steps} decode steps.
   */
  static void report(Path trace, int steps, double stepMs, int top) throws Exception {
    JsonNode root = new ObjectMapper().readTree(trace.toFile());
    List<JsonNode> events = new ArrayList<>();
    root.forEach(
        e -> {
          if ("X".equals(e.path("ph").asText())) {
            events.add(e);
          }
        });
    events.sort(
        Comparator.comparingDouble((JsonNode e) -> e.get("ts").asDouble())
            .thenComparingDouble(e -> -e.get("dur").asDouble()));
    Map<String, double[]> byOp = new LinkedHashMap<>();
    double end = -1;
    double inOps = 0;
    int topLevel = 0;
    for (JsonNode e : events) {
      double ts = e.get("ts").asDouble();
      double dur = e.get("dur").asDouble();
      if (ts < end) {
        continue; // nested in an op already counted
      }
      if (!e.get("name").asText().contains("::")) {
        continue; // a TorchScript method (the engine's decode, head...): count the ops inside it
      }
      end = ts + dur;
      inOps += dur;
      topLevel++;
      String key = e.get("name").asText() + " " + e.path("shape").toString().replace("[]", "");
      byOp.computeIfAbsent(key, k -> new double[2])[0]++;
      byOp.get(key)[1] += dur;
    }
    double opsMs = inOps / 1e3 / steps;
    System.out.printf(
        "ATen ops: %.3f ms/step (%.0f%%) in %.1f top-level ops/step; Java + JNI between ops: %.3f"
            + " ms/step (%.0f%%)%n",
        opsMs,
        100 * opsMs / stepMs,
        (double) topLevel / steps,
        stepMs - opsMs,
        100 * (stepMs - opsMs) / stepMs);
    System.out.printf("%10s %6s %10s %6s  %s%n", "ms/step", "share", "us/call", "calls", "op");
    byOp.entrySet().stream()
        .sorted((a, b) -> Double.compare(b.getValue()[1], a.getValue()[1]))
        .limit(top)
        .forEach(
            en -> {
              double ms = en.getValue()[1] / 1e3 / steps;
              System.out.printf(
                  "%10.3f %5.1f%% %10.1f %6.1f  %s%n",
                  ms,
                  100 * ms / stepMs,
                  en.getValue()[1] / en.getValue()[0],
                  en.getValue()[0] / steps,
                  en.getKey());
            });
  }
}
