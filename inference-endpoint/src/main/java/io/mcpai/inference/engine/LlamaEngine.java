package io.mcpai.inference.engine;

import io.mcpai.inference.model.LlamaConfig;
import java.util.List;

/**
 * A LLaMA forward pass with a KV cache per sequence. {@link #forward} feeds each sequence its next
 * tokens (a whole prompt, or one token while decoding) and returns the logits after each sequence's
 * last token. Not thread-safe: one scheduler thread drives it.
 */
public interface LlamaEngine extends AutoCloseable {

  LlamaConfig config();

  /** A new, empty sequence (its KV cache); close it to free the cache. */
  Sequence newSequence();

  /**
   * Appends {@code tokens.get(i)} to {@code sequences.get(i)} and returns, per sequence, the logits
   * (vocab_size floats) that predict the token after its last one.
   */
  float[][] forward(List<? extends Sequence> sequences, List<int[]> tokens);

  /**
   * What one step hands the samplers: per sequence the greedy token and its log-probability (NaN
   * when the step was not asked for log-probs), and the full logits row only for the sequences that
   * asked for it ({@code logits[i]} is null otherwise). Greedy requests, the common case, then
   * never copy a vocab-sized row to Java.
   */
  record Step(int[] greedy, float[] greedyLogProb, float[][] logits) {}

  /** {@link #step(List, List, boolean[], boolean)} with the greedy log-probs. */
  default Step step(List<? extends Sequence> sequences, List<int[]> tokens, boolean[] wantLogits) {
    return step(sequences, tokens, wantLogits, true);
  }

  /**
   * {@link #forward}, returning greedy choices for every sequence, their log-probabilities when
   * {@code wantLogProbs} (a softmax over the vocab per row; NaN otherwise) and logits where {@code
   * wantLogits[i]}. This default computes them in Java; an engine can do it next to its logits.
   */
  default Step step(
      List<? extends Sequence> sequences,
      List<int[]> tokens,
      boolean[] wantLogits,
      boolean wantLogProbs) {
    float[][] all = forward(sequences, tokens);
    int n = all.length;
    int[] best = new int[n];
    float[] logProb = new float[n];
    for (int i = 0; i < n; i++) {
      float[] l = all[i];
      int b = 0;
      for (int j = 1; j < l.length; j++) {
        if (l[j] > l[b]) {
          b = j;
        }
      }
      best[i] = b;
      logProb[i] = Float.NaN;
      if (wantLogProbs) {
        double sum = 0;
        for (float v : l) {
          sum += Math.exp(v - l[b]);
        }
        logProb[i] = (float) -Math.log(sum);
      }
      if (!wantLogits[i]) {
        all[i] = null;
      }
    }
    return new Step(best, logProb, all);
  }

  /** Describes the engine for logs, e.g. "djl-pytorch cpu()". */
  String describe();

  @Override
  void close();

  /** One sequence's cache. */
  interface Sequence extends AutoCloseable {
    /** Tokens already fed (positions used). */
    int length();

    @Override
    void close();
  }

  /** Checks positions before a forward pass so both engines fail the same way. */
  static void checkFits(LlamaConfig c, List<? extends Sequence> seqs, List<int[]> tokens) {
    if (seqs.size() != tokens.size()) {
      throw new IllegalArgumentException("sequences and token lists differ in size");
    }
    for (int i = 0; i < seqs.size(); i++) {
      int[] t = tokens.get(i);
      if (t.length == 0) {
        throw new IllegalArgumentException("empty token list for sequence " + i);
      }
      if (seqs.get(i).length() + t.length > c.maxPositions()) {
        throw new IllegalArgumentException(
            "sequence would exceed the context of " + c.maxPositions() + " positions");
      }
      for (int id : t) {
        if (id < 0 || id >= c.vocabSize()) {
          throw new IllegalArgumentException("token id " + id + " outside vocab " + c.vocabSize());
        }
      }
    }
  }
}
