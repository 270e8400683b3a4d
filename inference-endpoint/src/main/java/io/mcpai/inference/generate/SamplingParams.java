package io.mcpai.inference.generate;

import java.util.List;

/**
 * How to pick tokens and when to stop, as the LMI {@code parameters} object states it.
 *
 * @param doSample false: greedy (argmax), whatever the temperature
 * @param topK 0 disables top-k
 * @param topP 1 disables nucleus sampling
 * @param seed null: a fresh random seed per request
 */
public record SamplingParams(
    int maxNewTokens,
    boolean doSample,
    double temperature,
    int topK,
    double topP,
    double repetitionPenalty,
    Long seed,
    List<String> stopSequences) {

  public static SamplingParams greedy(int maxNewTokens) {
    return new SamplingParams(maxNewTokens, false, 1.0, 0, 1.0, 1.0, null, List.of());
  }
}
