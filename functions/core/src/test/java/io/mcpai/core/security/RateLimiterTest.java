package io.mcpai.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The limiter's rules, on the in-memory store; {@link RedisRateLimiterTest} runs them on Redis. */
class RateLimiterTest {
  static ApiKey key(String id, long rpm, long tpm) {
    return new ApiKey(id, "t", ApiKeyStore.sha256(id), Set.of(), Set.of(), new KeyLimits(rpm, tpm));
  }

  RateLimiter limiter() {
    return new RateLimiter(BucketStore.inMemory(), KeyLimits.UNLIMITED);
  }

  @Test
  void requestsPerMinuteAllowTheLimitThen429WithRetryAfter() {
    requestLimit(limiter());
  }

  static void requestLimit(RateLimiter rl) {
    ApiKey k = key("req-" + System.nanoTime(), 3, 0);
    assertThat(rl.request(k).remaining()).isEqualTo(2);
    assertThat(rl.request(k).remaining()).isEqualTo(1);
    RateLimiter.Quota q = rl.request(k);
    assertThat(q.limit()).isEqualTo(3);
    assertThat(q.remaining()).isZero();
    assertThat(q.resetNanos()).isPositive();
    assertThatThrownBy(() -> rl.request(k))
        .isInstanceOfSatisfying(
            Rejection.class,
            r -> {
              assertThat(r.status()).isEqualTo(429);
              // Refill is 3 per 60 s: one request back after about 20 s.
              assertThat(r.retryAfterSeconds()).isBetween(1L, 21L);
            });
    // Another key has its own budget.
    assertThat(rl.request(key("other-" + System.nanoTime(), 3, 0)).remaining()).isEqualTo(2);
  }

  @Test
  void aRedisStoreThatCannotBeReachedFallsBackToThisInstancesBuckets() throws Exception {
    // Nothing listens on this port: the gateway must start and keep limiting, not fail.
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (RedisBucketStore store = new RedisBucketStore("redis://127.0.0.1:" + port)) {
      RateLimiter rl = new RateLimiter(store, KeyLimits.UNLIMITED);
      requestLimit(rl);
      tokenReservations(rl);
    }
  }

  @Test
  void tokensAreReservedUpFrontAndSettledToActualUse() {
    tokenReservations(limiter());
  }

  static void tokenReservations(RateLimiter rl) {
    ApiKey k = key("tok-" + System.nanoTime(), 0, 1000);
    RateLimiter.Reservation a = rl.reserve(k, 600); // prompt 100 + max_tokens 500
    assertThat(a.quota().remaining()).isEqualTo(400);
    // A second 600 does not fit while the first is in flight: no overrun by concurrency.
    assertThatThrownBy(() -> rl.reserve(k, 600))
        .isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.status()).isEqualTo(429));
    a.settle(150); // it used 150: 450 come back
    a.settle(0); // only the first settle counts
    RateLimiter.Reservation b = rl.reserve(k, 600);
    assertThat(b.quota().remaining()).isBetween(250L, 260L); // 1000 - 150 - 600 (+ refill)
    b.settle(0); // failed call: all back
    RateLimiter.Reservation c = rl.reserve(k, 800);
    c.settle(900); // a provider overran max_tokens: charged anyway
    assertThatThrownBy(() -> rl.reserve(k, 100)).isInstanceOf(Rejection.class);
  }

  @Test
  void aRequestLargerThanTheMinutesBudgetCanNeverPassAndSaysSo() {
    RateLimiter rl = limiter();
    assertThatThrownBy(() -> rl.reserve(key("big", 0, 100), 101))
        .isInstanceOfSatisfying(
            Rejection.class,
            r -> {
              assertThat(r.status()).isEqualTo(429);
              assertThat(r.param()).isEqualTo("max_tokens");
              assertThat(r.retryAfterSeconds()).isZero();
            })
        .hasMessageContaining("lower max_tokens");
  }

  @Test
  void zeroMeansUnlimitedAndDefaultsFillUnsetLimits() {
    RateLimiter rl = new RateLimiter(BucketStore.inMemory(), new KeyLimits(2, 0));
    ApiKey unset = key("unset", 0, 0);
    assertThat(rl.limitsOf(unset)).isEqualTo(new KeyLimits(2, 0));
    rl.request(unset);
    rl.request(unset);
    assertThatThrownBy(() -> rl.request(unset)).isInstanceOf(Rejection.class);
    assertThat(rl.reserve(unset, 1_000_000).quota()).isNull();
    ApiKey own = key("own", 10, 0);
    assertThat(rl.request(own).limit()).isEqualTo(10);
  }

  @Test
  void concurrentCallersNeverGetMoreThanTheLimit() throws Exception {
    concurrentCallers(limiter());
  }

  static void concurrentCallers(RateLimiter rl) throws Exception {
    ApiKey k = key("conc-" + System.nanoTime(), 50, 0);
    AtomicInteger passed = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      threads.add(
          startThread(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  return;
                }
                for (int i = 0; i < 30; i++) {
                  try {
                    rl.request(k);
                    passed.incrementAndGet();
                  } catch (Rejection r) {
                    // expected beyond the limit
                  }
                }
              }));
    }
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }
    // 120 attempts within well under a second: 50, plus at most a token or two of refill.
    assertThat(passed.get()).isBetween(50, 52);
  }

  private static Thread startThread(Runnable r) {
    Thread t = new Thread(r);
    t.start();
    return t;
  }

  @Test
  void resetTextUsesOpenAisDurationFormat() {
    assertThat(new RateLimiter.Quota(1, 0, 20_000_000L).resetText()).isEqualTo("20ms");
    assertThat(new RateLimiter.Quota(1, 0, 1_500_000_000L).resetText()).isEqualTo("1s");
    assertThat(new RateLimiter.Quota(1, 0, 360_000_000_000L).resetText()).isEqualTo("6m0s");
  }
}
