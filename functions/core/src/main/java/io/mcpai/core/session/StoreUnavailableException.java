package io.mcpai.core.session;

/**
 * The shared store (Redis) cannot be reached or did not answer in time. Session requests fail with
 * it (503 with {@code Retry-After}); stateless requests never depend on the store.
 */
public final class StoreUnavailableException extends RuntimeException {
  private final int retryAfterSeconds;

  public StoreUnavailableException(String message, int retryAfterSeconds, Throwable cause) {
    super(message, cause);
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
