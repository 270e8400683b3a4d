package io.mcpai.core.security;

/**
 * One key's budget per minute. Zero means unlimited.
 *
 * @param requestsPerMinute model calls (generate, chat completions) per minute
 * @param tokensPerMinute prompt plus completion tokens per minute; a request reserves its prompt
 *     plus {@code max_tokens} up front and is corrected to its actual usage when it ends
 */
public record KeyLimits(long requestsPerMinute, long tokensPerMinute) {
  public static final KeyLimits UNLIMITED = new KeyLimits(0, 0);

  public KeyLimits {
    if (requestsPerMinute < 0 || tokensPerMinute < 0) {
      throw new IllegalArgumentException(
          "limits must be >= 0 (0 = unlimited), got requests_per_minute="
              + requestsPerMinute
              + " tokens_per_minute="
              + tokensPerMinute);
    }
  }

  /** This key's own limit where it set one, else the default's. */
  public KeyLimits orElse(KeyLimits dflt) {
    return new KeyLimits(
        requestsPerMinute > 0 ? requestsPerMinute : dflt.requestsPerMinute,
        tokensPerMinute > 0 ? tokensPerMinute : dflt.tokensPerMinute);
  }
}
