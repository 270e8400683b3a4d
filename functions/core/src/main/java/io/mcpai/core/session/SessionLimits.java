package io.mcpai.core.session;

import java.time.Duration;

/**
 * Caps every backend applies on append: the oldest turns are dropped first (the context window
 * would drop them first anyway), never the one being appended.
 *
 * @param ttl idle time after which a session is gone; refreshed by every append
 * @param maxTurns answered turns kept per session
 * @param maxBytes stored size kept per session (JSON bytes on Redis, an estimate in memory)
 */
public record SessionLimits(Duration ttl, int maxTurns, long maxBytes) {
  public SessionLimits {
    if (ttl.isNegative() || ttl.isZero() || maxTurns < 1 || maxBytes < 1) {
      throw new IllegalArgumentException(
          "session limits must be positive: ttl="
              + ttl
              + " turns="
              + maxTurns
              + " bytes="
              + maxBytes);
    }
  }

  public static SessionLimits defaults() {
    return new SessionLimits(Duration.ofHours(24), 200, 1L << 20);
  }
}
