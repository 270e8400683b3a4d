package io.mcpai.core.routing;

/**
 * No provider could answer: all are down, open or out of retries. Answered 503 with {@code
 * Retry-After: retryAfterSeconds}.
 */
public final class NoProviderException extends RuntimeException {
  private final int retryAfterSeconds;

  public NoProviderException(String message, int retryAfterSeconds, Throwable lastFailure) {
    super(message, lastFailure);
    this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
  }

  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
