package io.mcpai.core.security;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Per-key budgets, requests and tokens per minute, in Bucket4j token buckets (greedy refill, so a
 * minute's budget comes back smoothly rather than all at once).
 *
 * <p>Tokens are reserved before the call: prompt plus {@code max_tokens}, the most the request can
 * use. When it ends the reservation is settled to the tokens actually used (the unused part goes
 * back, a failed call gives everything back), so honest callers are not charged for {@code
 * max_tokens} they did not get, and nobody can overrun the budget with concurrent requests.
 */
public final class RateLimiter {
  private final BucketStore store;
  private final KeyLimits defaults;

  /**
   * @param defaults limits for keys that set none (and for the anonymous key); zero = unlimited
   */
  public RateLimiter(BucketStore store, KeyLimits defaults) {
    this.store = store;
    this.defaults = defaults;
  }

  public KeyLimits limitsOf(ApiKey key) {
    return key.limits().orElse(defaults);
  }

  public BucketStore store() {
    return store;
  }

  /** One kind of budget after a decision, as OpenAI's {@code x-ratelimit-*} headers tell it. */
  public record Quota(long limit, long remaining, long resetNanos) {
    /** OpenAI's duration format: {@code 1s}, {@code 6m0s}, {@code 20ms}. */
    public String resetText() {
      long ms = TimeUnit.NANOSECONDS.toMillis(resetNanos);
      if (ms < 1000) {
        return ms + "ms";
      }
      long s = ms / 1000;
      return s < 60 ? s + "s" : (s / 60) + "m" + (s % 60) + "s";
    }
  }

  /**
   * Counts one request against the key's requests-per-minute.
   *
   * @return the quota after this request, or null when the key has no request limit
   * @throws Rejection 429 with the time until one request is available again
   */
  public Quota request(ApiKey key) {
    long limit = limitsOf(key).requestsPerMinute();
    if (limit == 0) {
      return null;
    }
    ConsumptionProbe p;
    try {
      p = bucket("requests", key, limit).tryConsumeAndReturnRemaining(1);
    } catch (RuntimeException e) {
      store.failed(e); // a shared store that is down: this instance's bucket instead
      p = bucket("requests", key, limit).tryConsumeAndReturnRemaining(1);
    }
    if (!p.isConsumed()) {
      throw Rejection.rateLimited(
          "rate limit reached for key '"
              + key.id()
              + "': "
              + limit
              + " requests per minute; retry after "
              + seconds(p.getNanosToWaitForRefill())
              + " s",
          seconds(p.getNanosToWaitForRefill()));
    }
    return new Quota(limit, p.getRemainingTokens(), p.getNanosToWaitForReset());
  }

  /**
   * Reserves {@code tokens} against the key's tokens-per-minute.
   *
   * @throws Rejection 429 when they are not available now (or never can be, for a request larger
   *     than the whole minute's budget)
   */
  public Reservation reserve(ApiKey key, long tokens) {
    long limit = limitsOf(key).tokensPerMinute();
    if (limit == 0 || tokens <= 0) {
      return new Reservation(null, 0, null);
    }
    if (tokens > limit) {
      throw new Rejection(
          429,
          Rejection.RATE_LIMITED,
          "request too large for key '"
              + key.id()
              + "': it needs up to "
              + tokens
              + " tokens (prompt + max_tokens) and the limit is "
              + limit
              + " tokens per minute; lower max_tokens or shorten the prompt",
          "max_tokens",
          0);
    }
    Bucket b = bucket("tokens", key, limit);
    ConsumptionProbe p;
    try {
      p = b.tryConsumeAndReturnRemaining(tokens);
    } catch (RuntimeException e) {
      store.failed(e);
      b = bucket("tokens", key, limit);
      p = b.tryConsumeAndReturnRemaining(tokens);
    }
    if (!p.isConsumed()) {
      throw Rejection.rateLimited(
          "token rate limit reached for key '"
              + key.id()
              + "': "
              + limit
              + " tokens per minute, this request reserves "
              + tokens
              + " (prompt + max_tokens); retry after "
              + seconds(p.getNanosToWaitForRefill())
              + " s",
          seconds(p.getNanosToWaitForRefill()));
    }
    return new Reservation(
        b, tokens, new Quota(limit, p.getRemainingTokens(), p.getNanosToWaitForReset()));
  }

  /** Tokens taken up front, settled once to what the request really used. */
  public static final class Reservation {
    private final Bucket bucket;
    private final long reserved;
    private final Quota quota;
    private final AtomicBoolean settled = new AtomicBoolean();

    Reservation(Bucket bucket, long reserved, Quota quota) {
      this.bucket = bucket;
      this.reserved = reserved;
      this.quota = quota;
    }

    public long reserved() {
      return reserved;
    }

    /** The token quota right after reserving, or null when tokens are not limited. */
    public Quota quota() {
      return quota;
    }

    /**
     * Corrects the reservation to the tokens used: gives back the rest, or takes the excess (a
     * provider that overran {@code max_tokens}) even if that puts the bucket in debt. Only the
     * first call counts.
     */
    public void settle(long used) {
      if (bucket == null || !settled.compareAndSet(false, true)) {
        return;
      }
      long diff = reserved - Math.max(0, used);
      try {
        if (diff > 0) {
          bucket.addTokens(diff);
        } else if (diff < 0) {
          bucket.consumeIgnoringRateLimits(-diff);
        }
      } catch (RuntimeException e) {
        // The shared store went away after reserving: the bucket refills within the minute anyway.
      }
    }
  }

  private Bucket bucket(String kind, ApiKey key, long perMinute) {
    return store.bucket(
        "mcp:rl:" + kind + ":" + key.caller().scope() + ":" + perMinute,
        BucketConfiguration.builder()
            .addLimit(
                Bandwidth.builder()
                    .capacity(perMinute)
                    .refillGreedy(perMinute, Duration.ofMinutes(1))
                    .build())
            .build());
  }

  private static long seconds(long nanos) {
    return Math.max(1, (nanos + 999_999_999L) / 1_000_000_000L);
  }
}
