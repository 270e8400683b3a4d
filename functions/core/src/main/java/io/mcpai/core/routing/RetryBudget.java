package io.mcpai.core.routing;

/**
 * Caps retries at a fraction of traffic, as Envoy and Finagle do, so a failing fleet is not hit
 * with a multiple of its load: every request deposits {@code ratio} of a retry, every retry spends
 * one, and {@code minPerSecond} retries are always allowed so low traffic can still fail over.
 */
public final class RetryBudget {
  private final double ratio;
  private final double minPerSecond;
  private final double capacity;
  private double tokens;
  private long lastRefill = System.nanoTime();

  public RetryBudget(double ratio, double minPerSecond) {
    this.ratio = ratio;
    this.minPerSecond = minPerSecond;
    this.capacity = Math.max(10, minPerSecond * 10);
    this.tokens = capacity;
  }

  public static RetryBudget defaults() {
    return new RetryBudget(0.2, 10);
  }

  public synchronized void onRequest() {
    refill();
    tokens = Math.min(capacity, tokens + ratio);
  }

  /**
   * @return true when a retry may be made now (and spends it)
   */
  public synchronized boolean tryRetry() {
    refill();
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  private void refill() {
    long now = System.nanoTime();
    double add = (now - lastRefill) / 1e9 * minPerSecond;
    if (add > 0) {
      tokens = Math.min(capacity, tokens + add);
      lastRefill = now;
    }
  }
}
