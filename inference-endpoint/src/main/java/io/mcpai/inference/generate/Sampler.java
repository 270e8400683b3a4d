package io.mcpai.inference.generate;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from logits, in Hugging Face's order: repetition penalty, then (when
 * sampling) temperature, top-k, top-p. The reported log-prob is the chosen token's log-probability
 * under the distribution after penalty and temperature, before truncation.
 */
public final class Sampler {
  /** A chosen token and its log-probability. */
  public record Choice(int id, float logProb) {}

  private final SamplingParams p;
  private final SplittableRandom random;

  public Sampler(SamplingParams p) {
    this.p = p;
    this.random = p.seed() == null ? new SplittableRandom() : new SplittableRandom(p.seed());
  }

  /**
   * Whether this request needs the full logits row: only for sampling or a repetition penalty.
   * Otherwise the engine's greedy choice (argmax and its log-prob, computed natively) is the
   * answer.
   */
  public boolean needsLogits() {
    return (p.doSample() && p.temperature() > 0) || p.repetitionPenalty() != 1.0;
  }

  /** {@code history}: prompt and generated ids so far ({@code count} of them), for the penalty. */
  public Choice next(float[] logits, int[] history, int count) {
    boolean sample = p.doSample() && p.temperature() > 0;
    boolean penalise = p.repetitionPenalty() != 1.0;
    if (!sample && !penalise) {
      // Greedy on raw logits, the common case: no copy of the vocab-sized row, no log-prob array.
      int best = argmax(logits);
      return new Choice(best, logits[best] - logSumExp(logits));
    }
    float[] l = logits.clone();
    if (penalise) {
      float pen = (float) p.repetitionPenalty();
      boolean[] seen = new boolean[l.length];
      for (int i = 0; i < count; i++) {
        int id = history[i];
        if (!seen[id]) {
          seen[id] = true;
          l[id] = l[id] > 0 ? l[id] / pen : l[id] * pen;
        }
      }
    }
    if (sample && p.temperature() != 1.0) {
      float inv = (float) (1.0 / p.temperature());
      for (int i = 0; i < l.length; i++) {
        l[i] *= inv;
      }
    }
    if (!sample) {
      int best = argmax(l);
      return new Choice(best, l[best] - logSumExp(l));
    }
    float[] logProbs = logSoftmax(l);
    int id = sampleTruncated(logProbs);
    return new Choice(id, logProbs[id]);
  }

  private int sampleTruncated(float[] logProbs) {
    int n = logProbs.length;
    if (p.topK() <= 0 && p.topP() >= 1.0) {
      double r = random.nextDouble();
      for (int i = 0; i < n; i++) {
        r -= Math.exp(logProbs[i]);
        if (r <= 0) {
          return i;
        }
      }
      return argmax(logProbs);
    }
    int[] order = byDescendingLogProb(logProbs);
    int keep = p.topK() > 0 ? Math.min(p.topK(), n) : n;
    double cumulative = 0;
    double[] probs = new double[keep];
    int kept = 0;
    for (int i = 0; i < keep; i++) {
      probs[i] = Math.exp(logProbs[order[i]]);
      cumulative += probs[i];
      kept = i + 1;
      if (cumulative >= p.topP()) {
        break; // nucleus: the smallest prefix whose mass reaches top_p
      }
    }
    double total = 0;
    for (int i = 0; i < kept; i++) {
      total += probs[i];
    }
    double r = random.nextDouble() * total;
    for (int i = 0; i < kept; i++) {
      r -= probs[i];
      if (r <= 0) {
        return order[i];
      }
    }
    return order[kept - 1];
  }

  /**
   * Token ids from most to least likely, ties by id: one primitive sort of (value, id) packed into
   * longs, instead of sorting 32000 boxed Integers through a comparator (~10x slower).
   */
  static int[] byDescendingLogProb(float[] logProbs) {
    int n = logProbs.length;
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      int bits = Float.floatToIntBits(logProbs[i]);
      int ascending = bits ^ ((bits >> 31) & 0x7fffffff); // orders as the floats do
      keys[i] = ((long) ~ascending << 32) | i; // ~: largest first; low half: the id
    }
    Arrays.sort(keys);
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = (int) keys[i];
    }
    return order;
  }

  public static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  /** log(sum(exp(l))), shifted by the maximum so that exp cannot overflow. */
  static float logSumExp(float[] l) {
    float max = Float.NEGATIVE_INFINITY;
    for (float v : l) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (float v : l) {
      sum += Math.exp(v - max);
    }
    return (float) (max + Math.log(sum));
  }

  static float[] logSoftmax(float[] l) {
    float lse = logSumExp(l);
    float[] out = new float[l.length];
    for (int i = 0; i < l.length; i++) {
      out[i] = l[i] - lse;
    }
    return out;
  }
}
