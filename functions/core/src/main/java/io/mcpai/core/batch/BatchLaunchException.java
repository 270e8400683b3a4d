package io.mcpai.core.batch;

/** A batch job that could not be started; {@link #retryable()} tells the queue what to do. */
public final class BatchLaunchException extends RuntimeException {
  private final boolean retryable;

  public BatchLaunchException(String message, boolean retryable, Throwable cause) {
    super(message, cause);
    this.retryable = retryable;
  }

  public boolean retryable() {
    return retryable;
  }
}
