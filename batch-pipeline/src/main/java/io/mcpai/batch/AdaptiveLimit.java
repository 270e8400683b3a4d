package io.mcpai.batch;

/**
 * Client-side adaptive throttling: how many requests one worker keeps in flight at one provider,
 * adjusted like TCP's congestion window. It starts in slow start (each success adds a slot, so the
 * limit doubles every round trip) until the first overload signal (429, 503, a timeout), which cuts
 * it by 30%, at most once per {@link #COOL_DOWN_NANOS} so one burst of refusals counts once; from
 * then on each success adds {@code 1/limit} (about one slot per round trip of the whole window).
 * The endpoint's queue then stays short instead of answering 503s, and a slow provider gets less of
 * the worker's traffic without a setting per provider.
 */
final class AdaptiveLimit {
  static final long COOL_DOWN_NANOS = 200_000_000L;

  private final int max;
  private double limit;
  private int inFlight;
  private long lastCut;
  private boolean slowStart = true;

  AdaptiveLimit(int initial, int max) {
    this.max = Math.max(1, max);
    this.limit = Math.min(this.max, Math.max(1, initial));
  }

  /** Waits for a slot. */
  synchronized void acquire() throws InterruptedException {
    while (inFlight >= (int) limit) {
      wait();
    }
    inFlight++;
  }

  /** Frees a slot after a success. */
  synchronized void success() {
    inFlight--;
    limit = Math.min(max, limit + (slowStart ? 1.0 : 1.0 / limit));
    notifyAll();
  }

  /** Frees a slot after an overload signal. */
  synchronized void overloaded() {
    inFlight--;
    long now = System.nanoTime();
    if (now - lastCut > COOL_DOWN_NANOS) {
      lastCut = now;
      slowStart = false;
      limit = Math.max(1, limit * 0.7);
    }
    notifyAll();
  }

  /** Frees a slot after a failure that says nothing about load (a 4xx, a parse error). */
  synchronized void neutral() {
    inFlight--;
    notifyAll();
  }

  synchronized int limit() {
    return (int) limit;
  }

  synchronized int inFlight() {
    return inFlight;
  }
}
