package io.mcpai.inference.generate;

import io.mcpai.core.tokenizer.Tokenizer;
import io.mcpai.inference.engine.LlamaEngine;
import java.util.Arrays;

/** One request's state while it generates: its ids, sampler, stop conditions and text so far. */
public final class Generation {
  private final int[] prompt;
  private final SamplingParams params;
  private final Sampler sampler;
  private final GenerationListener listener;
  private final Tokenizer tokenizer;
  private final int contextLimit;
  private final long submittedNanos = System.nanoTime();
  private int[] ids;
  private int count;
  private String text = "";
  private int emittedChars;
  private volatile boolean cancelled;
  private FinishReason finish;
  long firstTokenNanos;
  long lastTokenNanos;
  LlamaEngine.Sequence sequence;

  public Generation(
      int[] prompt,
      SamplingParams params,
      Tokenizer tokenizer,
      int contextLimit,
      GenerationListener listener) {
    this.prompt = prompt;
    this.params = params;
    this.tokenizer = tokenizer;
    this.contextLimit = contextLimit;
    this.listener = listener;
    this.sampler = new Sampler(params);
    this.ids = Arrays.copyOf(prompt, prompt.length + Math.max(1, params.maxNewTokens()));
    this.count = prompt.length;
  }

  public int[] prompt() {
    return prompt;
  }

  public SamplingParams params() {
    return params;
  }

  public int generatedTokens() {
    return count - prompt.length;
  }

  public int[] generatedIds() {
    return Arrays.copyOfRange(ids, prompt.length, count);
  }

  /** The generated text (without EOS; with any stop sequence that ended it). */
  public String text() {
    return text;
  }

  public FinishReason finish() {
    return finish;
  }

  public boolean isCancelled() {
    return cancelled;
  }

  /** Frees the request's slot: the scheduler drops it before its next step. */
  public void cancel() {
    cancelled = true;
  }

  long submittedNanos() {
    return submittedNanos;
  }

  /** Tokens the next forward pass must feed: the prompt first, then the last sampled token. */
  int[] pendingInput() {
    return sequence.length() == 0 ? prompt : new int[] {ids[count - 1]};
  }

  /**
   * Whether {@link #accept} needs this step's full logits row (see {@link Sampler#needsLogits}).
   */
  boolean needsLogits() {
    return sampler.needsLogits();
  }

  /**
   * Whether {@link #accept} reads this step's greedy log-prob: the request shows log-probs and
   * takes the engine's greedy choice (a sampler computes its own from the logits row).
   */
  boolean needsGreedyLogProb() {
    return params.logProbs() && !sampler.needsLogits();
  }

  /**
   * Takes the next token from row {@code row} of an engine step, reports it, and says whether the
   * request ended.
   */
  boolean accept(LlamaEngine.Step step, int row) {
    Sampler.Choice c =
        sampler.needsLogits()
            ? sampler.next(step.logits()[row], ids, count)
            : new Sampler.Choice(step.greedy()[row], step.greedyLogProb()[row]);
    if (count == ids.length) {
      ids = Arrays.copyOf(ids, ids.length * 2);
    }
    ids[count++] = c.id();
    String tokenText;
    if (c.id() == tokenizer.eosId()) {
      finish = FinishReason.EOS_TOKEN;
      tokenText = "";
    } else {
      tokenText = tokenizer.pieceText(c.id());
      text = decodeInContext();
      for (String stop : params.stopSequences()) {
        int at = text.indexOf(stop, Math.max(0, emittedChars - stop.length()));
        if (at >= 0) {
          text = text.substring(0, at + stop.length());
          finish = FinishReason.STOP_SEQUENCE;
          break;
        }
      }
      if (finish == null && generatedTokens() >= params.maxNewTokens()) {
        finish = FinishReason.LENGTH;
      }
      if (finish == null && count >= contextLimit) {
        finish = FinishReason.LENGTH; // the context window is full
      }
    }
    // Hold back a trailing partial UTF-8 character until the next token completes it.
    int stable = text.length();
    if (finish == null && stable > 0 && text.charAt(stable - 1) == '\uFFFD') {
      stable--;
    }
    String delta = stable > emittedChars ? text.substring(emittedChars, stable) : "";
    emittedChars = Math.max(emittedChars, stable);
    // NaN, never a stand-in number, when the request shows no log-probs (the engine skipped them)
    float logProb = params.logProbs() ? c.logProb() : Float.NaN;
    listener.onToken(this, c.id(), tokenText, logProb, delta, finish);
    return finish != null;
  }

  /**
   * The generated text as it continues the prompt: decoding the generated ids alone would drop
   * SentencePiece's leading space of the first piece, so decode them after the prompt's last few
   * tokens and keep only what they add (as TGI does).
   */
  private String decodeInContext() {
    int from = Math.max(0, prompt.length - 4);
    int[] context = Arrays.copyOfRange(ids, from, prompt.length);
    int[] all = Arrays.copyOfRange(ids, from, count);
    String before = tokenizer.decode(context);
    String after = tokenizer.decode(all);
    return after.startsWith(before)
        ? after.substring(before.length())
        : tokenizer.decode(generatedIds());
  }

  void fail(Throwable t) {
    listener.onError(this, t);
  }

  void cancelledBy(FinishReason r) {
    finish = r;
  }
}
