package io.mcpai.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same rules as {@link RateLimiterTest} with the buckets in a real Redis, and the point of
 * Redis: two gateway instances (two stores, two connections) share one budget per key.
 */
class RedisRateLimiterTest {
  static RedisServer redis;

  @BeforeAll
  static void startRedis() throws Exception {
    Path bin = RedisServer.find();
    assumeTrue(
        bin != null,
        "redis-server is not installed (apt-get install redis-server): Redis rate limits untested");
    redis = RedisServer.start(bin);
  }

  @AfterAll
  static void stopRedis() throws Exception {
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void requestAndTokenRulesHoldInRedis() throws Exception {
    try (RedisBucketStore store = new RedisBucketStore(redis.url())) {
      RateLimiter rl = new RateLimiter(store, KeyLimits.UNLIMITED);
      RateLimiterTest.requestLimit(rl);
      RateLimiterTest.tokenReservations(rl);
      RateLimiterTest.concurrentCallers(rl);
      assertThat(store.describe()).isEqualTo("redis redis://127.0.0.1:" + redis.port + "/0");
    }
  }

  @Test
  void twoInstancesShareOneBudgetPerKey() {
    ApiKey k =
        new ApiKey(
            "shared-" + System.nanoTime(),
            "t",
            ApiKeyStore.sha256("s"),
            Set.of(),
            Set.of(),
            new KeyLimits(4, 0));
    try (RedisBucketStore a = new RedisBucketStore(redis.url());
        RedisBucketStore b = new RedisBucketStore(redis.url())) {
      RateLimiter one = new RateLimiter(a, KeyLimits.UNLIMITED);
      RateLimiter two = new RateLimiter(b, KeyLimits.UNLIMITED);
      one.request(k);
      two.request(k);
      one.request(k);
      assertThat(two.request(k).remaining()).isZero();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> one.request(k))
          .isInstanceOf(Rejection.class);
    }
  }
}
