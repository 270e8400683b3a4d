package io.mcpai.inference.generate;

/** Receives a request's tokens on the scheduler thread; implementations must not block. */
public interface GenerationListener {
  /**
   * One generated token. {@code finish} is non-null on the last one; {@code textDelta} is the new
   * text this token completes (empty while a multi-byte character is still partial). {@code
   * logProb} is NaN when the request's {@link SamplingParams#logProbs()} is false.
   */
  void onToken(
      Generation g, int id, String tokenText, float logProb, String textDelta, FinishReason finish);

  /** The request failed after it was admitted (an engine error). */
  void onError(Generation g, Throwable error);
}
