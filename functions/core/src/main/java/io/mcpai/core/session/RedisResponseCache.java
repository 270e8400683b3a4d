package io.mcpai.core.session;

import io.lettuce.core.SetArgs;
import java.util.concurrent.CompletableFuture;

/**
 * The response cache in Redis, shared by every gateway instance: one string per entry, {@code
 * mcp:rc:<sha256>}, expiring after the TTL (Redis's own eviction policy bounds the total).
 */
public final class RedisResponseCache implements ResponseCache {
  private final RedisConnection redis;
  private final long ttlMillis;

  public RedisResponseCache(RedisConnection redis, long ttlMillis) {
    this.redis = redis;
    this.ttlMillis = ttlMillis;
  }

  @Override
  public CompletableFuture<CachedCompletion> get(String key) {
    return redis
        .run(c -> c.get("mcp:rc:" + key))
        .thenApply(v -> v == null ? null : StoreJson.read(v, CachedCompletion.class));
  }

  @Override
  public CompletableFuture<Void> put(String key, CachedCompletion value) {
    String json = StoreJson.write(value);
    return redis
        .run(c -> c.set("mcp:rc:" + key, json, SetArgs.Builder.px(ttlMillis)))
        .thenApply(ok -> null);
  }

  @Override
  public String backend() {
    return "redis";
  }
}
