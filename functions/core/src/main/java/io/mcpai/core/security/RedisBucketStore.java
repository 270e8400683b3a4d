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
import java.util.concurrent.TimeUnit;

/**
 * Buckets shared by every gateway instance (many function instances, one budget per key), in Redis
 * via Bucket4j's compare-and-swap over Lettuce. A bucket's Redis entry expires once it would be
 * full again, so idle keys leave nothing behind.
 *
 * <p>Redis being down must not take the gateway down (sessions answer 503, stateless requests go
 * on): the connection is made on first use, and while Redis cannot be reached the buckets fall back
 * to this instance's memory (each instance then enforces the limit on its own), retrying Redis
 * every few seconds.
 */
public final class RedisBucketStore implements BucketStore {
  private static final System.Logger LOG = System.getLogger(RedisBucketStore.class.getName());
  private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final RedisClient client;
  private final String where;
  private final BucketStore local = BucketStore.inMemory();
  private StatefulRedisConnection<String, byte[]> connection;
  private volatile ProxyManager<String> buckets;
  private volatile long degradedUntil;

  /**
   * @param url {@code redis://[:password@]host:port[/db]} or {@code rediss://} for TLS
   */
  public RedisBucketStore(String url) {
    RedisURI uri = RedisURI.create(url);
    uri.setTimeout(Duration.ofSeconds(2));
    this.client = RedisClient.create(uri);
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
    ProxyManager<String> pm = proxies();
    return pm == null ? local.bucket(name, config) : pm.getProxy(name, () -> config);
  }

  private ProxyManager<String> proxies() {
    if (System.nanoTime() - degradedUntil < 0) {
      return null;
    }
    ProxyManager<String> pm = buckets;
    if (pm != null) {
      return pm;
    }
    synchronized (this) {
      if (buckets == null) {
        try {
          connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
          buckets =
              Bucket4jLettuce.casBasedBuilder(connection)
                  .expirationAfterWrite(
                      ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                          Duration.ofSeconds(10)))
                  .build();
        } catch (RuntimeException e) {
          degrade(e);
          return null;
        }
      }
      return buckets;
    }
  }

  /** A Redis call failed: use local buckets for a while, then try Redis again. */
  @Override
  public void failed(RuntimeException e) {
    degrade(e);
  }

  private void degrade(RuntimeException e) {
    degradedUntil = System.nanoTime() + RETRY_NANOS;
    LOG.log(
        System.Logger.Level.WARNING,
        "rate limits: "
            + where
            + " unreachable ("
            + e.getMessage()
            + "); this instance's buckets for 5 s");
  }

  @Override
  public String describe() {
    return where;
  }

  @Override
  public synchronized void close() {
    if (connection != null) {
      connection.close();
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
