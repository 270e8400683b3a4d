package io.mcpai.core.session;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One Lettuce connection to {@code MCP_REDIS_URL}, shared by the Redis-backed stores, that never
 * makes a request wait on a dead Redis: the first connect happens on first use (the gateway starts
 * while Redis is down), a failed connect is not retried for a second, commands time out after the
 * command timeout, and while the connection is down commands are rejected at once instead of
 * queued. Every failure surfaces as {@link StoreUnavailableException}. Results are handed to a
 * small executor of our own, so decoding and the request's next stages never run on Lettuce's I/O
 * threads.
 */
public final class RedisConnection implements AutoCloseable {
  private static final long RECONNECT_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final ClientResources resources;
  private final RedisClient client;
  private final RedisURI uri;
  private final String redacted;
  private final ExecutorService executor;
  private volatile StatefulRedisConnection<String, String> connection;
  private CompletableFuture<StatefulRedisConnection<String, String>> connecting;
  private long failedAtNanos;
  private boolean failedOnce;

  public RedisConnection(String url, Duration commandTimeout, Duration connectTimeout) {
    this.uri = RedisURI.create(url);
    uri.setTimeout(commandTimeout);
    this.redacted = redact(url);
    this.resources =
        DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(1).build();
    this.client = RedisClient.create(resources);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .socketOptions(SocketOptions.builder().connectTimeout(connectTimeout).build())
            .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
            .build());
    this.executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "mcp-redis-results");
              t.setDaemon(true);
              return t;
            });
  }

  /** The URL without its password, for logs. */
  public String url() {
    return redacted;
  }

  static String redact(String url) {
    return url.replaceAll("//([^:/@]*):[^@/]*@", "//$1:***@");
  }

  /**
   * Runs {@code command} on the connection. The future completes on this connection's executor,
   * with the result, or with {@link StoreUnavailableException}.
   */
  public <T> CompletableFuture<T> run(
      Function<RedisAsyncCommands<String, String>, CompletionStage<T>> command) {
    return connection()
        .thenCompose(c -> command.apply(c.async()))
        .handleAsync(
            (v, e) -> {
              if (e != null) {
                throw new CompletionException(unavailable(e));
              }
              return v;
            },
            executor);
  }

  private synchronized CompletableFuture<StatefulRedisConnection<String, String>> connection() {
    if (connection != null) {
      return CompletableFuture.completedFuture(connection);
    }
    if (connecting != null) {
      return connecting;
    }
    if (failedOnce && System.nanoTime() - failedAtNanos < RECONNECT_AFTER_NANOS) {
      return CompletableFuture.failedFuture(
          new StoreUnavailableException(
              "the session store (Redis at " + redacted + ") is unreachable", 1, null));
    }
    CompletableFuture<StatefulRedisConnection<String, String>> f =
        client.connectAsync(StringCodec.UTF8, uri).toCompletableFuture();
    connecting = f;
    f.whenComplete(
        (c, e) -> {
          synchronized (this) {
            connecting = null;
            if (e == null) {
              connection = c;
            } else {
              failedOnce = true;
              failedAtNanos = System.nanoTime();
            }
          }
        });
    return f;
  }

  private StoreUnavailableException unavailable(Throwable e) {
    Throwable c = e;
    while ((c instanceof CompletionException || c instanceof ExecutionException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    if (c instanceof StoreUnavailableException s) {
      return s;
    }
    return new StoreUnavailableException(
        "the session store (Redis at " + redacted + ") failed: " + c.getMessage(), 1, c);
  }

  @Override
  public void close() {
    StatefulRedisConnection<String, String> c = connection;
    if (c != null) {
      c.closeAsync();
    }
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    resources.shutdown(0, 2, TimeUnit.SECONDS);
    executor.shutdownNow();
  }
}
