package io.mcpai.batch.learn;

/**
 * One try at one provider, as the learner sees it: from a request-log row's {@code attempts} (every
 * try, the failed ones too) or a batch result line.
 *
 * @param epochMillis when the request finished
 * @param recentErrorRate the provider's failure share over its previous tries (before this one)
 * @param costUsd what the answer cost (0 for failures)
 */
public record Observation(
    String provider,
    String region,
    long epochMillis,
    int promptTokens,
    int completionTokens,
    boolean ok,
    double ms,
    double costUsd,
    double recentErrorRate) {

  Observation withRecentErrorRate(double r) {
    return new Observation(
        provider, region, epochMillis, promptTokens, completionTokens, ok, ms, costUsd, r);
  }

  /** The latency model's features, scaled to similar ranges for SGD. */
  static final String[] FEATURES = {
    "hour_sin", "hour_cos", "prompt_100", "completion_100", "recent_error_rate"
  };

  /**
   * The failure model's: the same less the completion tokens, which are only known after a success
   * (a failed try has none, so the model would learn that instead of the provider).
   */
  static final String[] FAILURE_FEATURES = {
    "hour_sin", "hour_cos", "prompt_100", "recent_error_rate"
  };

  double[] failureFeatures() {
    double[] f = features();
    return new double[] {f[0], f[1], f[2], f[4]};
  }

  double[] features() {
    double hour = (epochMillis / 3_600_000.0) % 24;
    return new double[] {
      Math.sin(2 * Math.PI * hour / 24),
      Math.cos(2 * Math.PI * hour / 24),
      promptTokens / 100.0,
      completionTokens / 100.0,
      recentErrorRate
    };
  }
}
