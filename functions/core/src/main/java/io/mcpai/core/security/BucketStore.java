package io.mcpai.core.security;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where rate-limit buckets live: in this process (the default), or shared by every instance in
 * Redis ({@link RedisBucketStore}). One bucket per key and limit kind, named {@code
 * mcp:rl:<kind>:<tenant>/<key id>}.
 */
public interface BucketStore extends AutoCloseable {
  Bucket bucket(String name, BucketConfiguration config);

  /** Where the buckets are, for the start-up log. */
  String describe();

  /**
   * A call on one of this store's buckets failed. A store that can fall back (Redis: to local
   * buckets) returns, and the caller asks for the bucket again; any other rethrows.
   */
  default void failed(RuntimeException e) {
    throw e;
  }

  @Override
  default void close() {}

  /** Buckets in this process's memory: one instance, or an estimate per instance. */
  static BucketStore inMemory() {
    return new BucketStore() {
      // Bounded by the configured keys (two buckets each): callers never create names.
      private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

      @Override
      public Bucket bucket(String name, BucketConfiguration config) {
        return buckets.computeIfAbsent(
            name,
            n -> {
              var b = Bucket.builder();
              for (var limit : config.getBandwidths()) {
                b.addLimit(limit);
              }
              return b.build();
            });
      }

      @Override
      public String describe() {
        return "in-memory";
      }
    };
  }
}
