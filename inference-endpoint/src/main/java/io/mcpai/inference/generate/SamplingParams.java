package io.mcpai.inference.generate;

import java.util.List;

/**
 * How to pick tokens and when to stop, as the LMI {@code parameters} object states it.
 *
 * @param doSample false: greedy (argmax), whatever the temperature
 * @param topK 0 disables top-k
 * @param topP 1 disables nucleus sampling
 * @param seed null: a fresh random seed per request
 * @param logProbs whether the answer shows each token's log-probability; false lets the engine skip
 *     the vocab-wide log-softmax of greedy steps, and the listener then gets NaN
 */
public record SamplingParams(
    int maxNewTokens,
    boolean doSample,
    double temperature,
    int topK,
    double topP,
    double repetitionPenalty,
    Long seed,
    List<String> stopSequences,
    boolean logProbs) {

  /** Greedy, with log-probs (the safe default for a caller that may show them). */
  public static SamplingParams greedy(int maxNewTokens) {
    return new SamplingParams(maxNewTokens, false, 1.0, 0, 1.0, 1.0, null, List.of(), true);
  }

  public SamplingParams withLogProbs(boolean on) {
    return new SamplingParams(
        maxNewTokens,
        doSample,
        temperature,
        topK,
        topP,
        repetitionPenalty,
        seed,
        stopSequences,
        on);
  }
}
