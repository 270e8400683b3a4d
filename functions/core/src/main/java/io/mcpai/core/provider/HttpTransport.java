package io.mcpai.core.provider;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Shared {@link HttpClient}s, one per connect timeout: each keeps a pool of keep-alive HTTP/1.1
 * connections per host, so providers never pay a handshake per request.
 *
 * <p>Why the JDK client and not Reactor Netty's: it is in the JDK, so {@code functions/core} stays
 * dependency-free for the batch pipeline and the serverless packages, its async API never blocks a
 * caller's event loop, and it pools connections. Its callbacks run on a small daemon pool here
 * rather than the default unbounded one.
 */
public final class HttpTransport {
  private static final Map<Duration, HttpClient> CLIENTS = new ConcurrentHashMap<>();
  private static final ExecutorService POOL =
      Executors.newFixedThreadPool(
          Math.max(2, Runtime.getRuntime().availableProcessors()),
          new java.util.concurrent.ThreadFactory() {
            private final AtomicInteger n = new AtomicInteger();

            @Override
            public Thread newThread(Runnable r) {
              Thread t = new Thread(r, "mcp-provider-http-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            }
          });

  /**
   * Work the client hands over from its selector thread (reading a response, completing its future)
   * runs right there: it is short and non-blocking, and a hop to a pool thread per response cost
   * more than the work itself (a context switch and a cold cache on 2 cores). Work submitted from
   * any other thread (a caller's {@code sendAsync}, which may resolve a host name) still goes to
   * the pool, so a caller's event loop never waits on DNS.
   */
  static final Executor EXECUTOR =
      task -> {
        if (Thread.currentThread().getName().endsWith("-SelectorManager")) {
          task.run();
        } else {
          POOL.execute(task);
        }
      };

  /**
   * Deadlines: whole answers, and silence in streams. A task here is a compare and a cancel; a
   * cancelled one leaves the queue at once, so a minute-long deadline per call does not pile up.
   */
  static final java.util.concurrent.ScheduledThreadPoolExecutor TIMERS = timers();

  private static java.util.concurrent.ScheduledThreadPoolExecutor timers() {
    var t =
        new java.util.concurrent.ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread th = new Thread(r, "mcp-provider-timers");
              th.setDaemon(true);
              return th;
            });
    t.setRemoveOnCancelPolicy(true);
    return t;
  }

  private HttpTransport() {}

  /**
   * {@code sent}, failed with an {@link java.net.http.HttpTimeoutException} (and the exchange
   * cancelled) unless the whole answer arrived within {@code limit}: the client's own request
   * timeout stops counting once the headers are in, so a provider that stalls in the middle of its
   * body would otherwise hold the call forever.
   */
  public static <T> java.util.concurrent.CompletableFuture<T> within(
      java.util.concurrent.CompletableFuture<T> sent, Duration limit) {
    java.util.concurrent.CompletableFuture<T> out = new java.util.concurrent.CompletableFuture<>();
    java.util.concurrent.ScheduledFuture<?> timer =
        TIMERS.schedule(
            () -> {
              if (out.completeExceptionally(
                  new java.net.http.HttpTimeoutException(
                      "no complete answer within " + limit.toMillis() + " ms"))) {
                sent.cancel(true);
              }
            },
            limit.toNanos(),
            java.util.concurrent.TimeUnit.NANOSECONDS);
    sent.whenComplete(
        (r, e) -> {
          timer.cancel(false);
          if (e != null) {
            out.completeExceptionally(e);
          } else {
            out.complete(r);
          }
        });
    return out;
  }

  public static HttpClient client(Duration connectTimeout) {
    return CLIENTS.computeIfAbsent(
        connectTimeout,
        t ->
            HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(t)
                .executor(EXECUTOR)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build());
  }

  /** Headers computed per request (auth tokens that refresh), possibly asynchronously. */
  @FunctionalInterface
  public interface Headers {
    CompletableFuture<Map<String, String>> get(byte[] body);

    Headers NONE = body -> CompletableFuture.completedFuture(Map.of());

    static Headers fixed(Map<String, String> headers) {
      Map<String, String> copy = Map.copyOf(headers);
      CompletableFuture<Map<String, String>> done = CompletableFuture.completedFuture(copy);
      return body -> done;
    }
  }
}
