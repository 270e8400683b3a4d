package io.mcpai.core.cost;

import io.mcpai.core.provider.ProviderConfig;

/**
 * What a provider's answers cost, from its configuration. Two bases, which add up when both are
 * set:
 *
 * <ul>
 *   <li><b>Token-priced</b> (managed APIs): {@code cost_per_1k_prompt_tokens} and {@code
 *       cost_per_1k_completion_tokens}, each defaulting to {@code cost_per_1k_tokens}: {@code
 *       prompt/1000 × promptPrice + completion/1000 × completionPrice}.
 *   <li><b>Instance-hour share</b> (self-hosted endpoints billed by the hour): {@code
 *       instance_hour_usd} and {@code instance_concurrency} (requests the instance serves at once,
 *       default 1): {@code instance_hour_usd × served_seconds / 3600 / instance_concurrency}, where
 *       {@code served_seconds} is the answering try's time. The shares sum to the bill when the
 *       instance is busy at that concurrency; idle hours are not attributed to any request.
 * </ul>
 *
 * @param promptPer1k USD per 1000 prompt tokens
 * @param completionPer1k USD per 1000 completion tokens
 * @param instanceHourUsd USD per instance-hour, 0 when not billed by the hour
 * @param instanceConcurrency requests sharing one instance at a time (at least 1)
 */
public record ProviderPricing(
    double promptPer1k,
    double completionPer1k,
    double instanceHourUsd,
    double instanceConcurrency) {

  public static final String PROMPT_PRICE = "cost_per_1k_prompt_tokens";
  public static final String COMPLETION_PRICE = "cost_per_1k_completion_tokens";
  public static final String INSTANCE_HOUR = "instance_hour_usd";
  public static final String INSTANCE_CONCURRENCY = "instance_concurrency";

  public static final ProviderPricing FREE = new ProviderPricing(0, 0, 0, 1);

  public ProviderPricing {
    if (!(promptPer1k >= 0) || !(completionPer1k >= 0) || !(instanceHourUsd >= 0)) {
      throw new IllegalArgumentException("prices must be >= 0");
    }
    if (!(instanceConcurrency >= 1)) {
      throw new IllegalArgumentException(
          INSTANCE_CONCURRENCY + " must be at least 1, got " + instanceConcurrency);
    }
  }

  /** The provider's prices; a bad value fails naming the provider and the key. */
  public static ProviderPricing of(ProviderConfig c) {
    double flat = c.costPer1kTokens();
    return new ProviderPricing(
        number(c, PROMPT_PRICE, flat, 0),
        number(c, COMPLETION_PRICE, flat, 0),
        number(c, INSTANCE_HOUR, 0, 0),
        number(c, INSTANCE_CONCURRENCY, 1, 1));
  }

  private static double number(ProviderConfig c, String key, double dflt, double min) {
    String v = c.option(key);
    if (v == null || v.isBlank()) {
      return dflt;
    }
    double d;
    try {
      d = Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      d = Double.NaN;
    }
    if (!(d >= min) || Double.isInfinite(d)) {
      throw new IllegalArgumentException(
          "provider "
              + c.name()
              + ": "
              + key
              + " must be a number >= "
              + min
              + ", got '"
              + v
              + "'");
    }
    return d;
  }

  /**
   * One request's cost in USD.
   *
   * @param servedMillis how long the answering provider worked on it (its try's time)
   */
  public double cost(int promptTokens, int completionTokens, double servedMillis) {
    double tokens =
        Math.max(0, promptTokens) / 1000.0 * promptPer1k
            + Math.max(0, completionTokens) / 1000.0 * completionPer1k;
    double instance =
        instanceHourUsd == 0
            ? 0
            : instanceHourUsd * Math.max(0, servedMillis) / 3_600_000.0 / instanceConcurrency;
    return tokens + instance;
  }
}
