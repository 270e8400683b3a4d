package io.mcpai.core.security;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bound on requests in flight in this instance. Beyond it a request is refused at once with 503
 * and {@code Retry-After}, so overload turns into quick, retryable refusals (which a load balancer
 * or client can send elsewhere) rather than a queue in which every request times out.
 */
public final class LoadShedder {
  private final int maxInFlight;
  private final long retryAfterSeconds;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong shed = new AtomicLong();

  /**
   * @param maxInFlight requests admitted at once; 0 disables shedding
   */
  public LoadShedder(int maxInFlight, long retryAfterSeconds) {
    if (maxInFlight < 0) {
      throw new IllegalArgumentException("max in-flight must be >= 0, got " + maxInFlight);
    }
    this.maxInFlight = maxInFlight;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** A slot that must be closed exactly once when the request ends. */
  public interface Permit extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Takes a slot.
   *
   * @throws Rejection 503 when {@code maxInFlight} requests are already being served
   */
  public Permit acquire() {
    if (maxInFlight == 0) {
      return () -> {};
    }
    int now = inFlight.incrementAndGet();
    if (now > maxInFlight) {
      inFlight.decrementAndGet();
      shed.incrementAndGet();
      throw Rejection.overloaded(
          "the gateway is at its limit of " + maxInFlight + " requests in flight; retry shortly",
          retryAfterSeconds);
    }
    java.util.concurrent.atomic.AtomicBoolean open =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    return () -> {
      if (open.compareAndSet(true, false)) {
        inFlight.decrementAndGet();
      }
    };
  }

  public int inFlight() {
    return inFlight.get();
  }

  public long shed() {
    return shed.get();
  }

  public int maxInFlight() {
    return maxInFlight;
  }
}
