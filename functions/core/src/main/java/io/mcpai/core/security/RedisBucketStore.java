package io.mcpai.core.security;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;

/**
 * Buckets shared by every gateway instance (many function instances, one budget per key), in Redis
 * via Bucket4j's compare-and-swap over Lettuce. A bucket's Redis entry expires once it would be
 * full again, so idle keys leave nothing behind.
 */
public final class RedisBucketStore implements BucketStore {
  private final RedisClient client;
  private final StatefulRedisConnection<String, byte[]> connection;
  private final ProxyManager<String> buckets;
  private final String where;

  /**
   * @param url {@code redis://[:password@]host:port[/db]} or {@code rediss://} for TLS
   */
  public RedisBucketStore(String url) {
    RedisURI uri = RedisURI.create(url);
    uri.setTimeout(Duration.ofSeconds(2));
    this.client = RedisClient.create(uri);
    this.connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
    this.buckets =
        Bucket4jLettuce.casBasedBuilder(connection)
            .expirationAfterWrite(
                ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                    Duration.ofSeconds(10)))
            .build();
    // Never the password: scheme, host, port and database only.
    this.where =
        "redis "
            + (uri.isSsl() ? "rediss://" : "redis://")
            + uri.getHost()
            + ":"
            + uri.getPort()
            + "/"
            + uri.getDatabase();
  }

  @Override
  public Bucket bucket(String name, BucketConfiguration config) {
    return buckets.getProxy(name, () -> config);
  }

  @Override
  public String describe() {
    return where;
  }

  @Override
  public void close() {
    connection.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
