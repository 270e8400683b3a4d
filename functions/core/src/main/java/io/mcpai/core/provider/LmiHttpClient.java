package io.mcpai.core.provider;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.BodySubscribers;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An LMI container over HTTP: our inference endpoint, DJL Serving, TGI-style servers ({@code
 * lmi-http}: {@code POST /invocations}, {@code GET /ping}), and the same payload behind Vertex AI's
 * {@code rawPredict} and Azure ML's scoring URI (different URLs and auth headers, same body).
 */
public final class LmiHttpClient implements ProviderClient {
  private final String name;
  private final HttpClient http;
  private final URI invoke;
  private final URI streamInvoke;
  private final URI ping;
  private final HttpTransport.Headers headers;
  private final java.time.Duration timeout;

  public LmiHttpClient(
      ProviderConfig config,
      URI invoke,
      URI streamInvoke,
      URI ping,
      HttpTransport.Headers headers) {
    this.name = config.name();
    this.http = HttpTransport.client(config.connectTimeout());
    this.invoke = invoke;
    this.streamInvoke = streamInvoke;
    this.ping = ping;
    this.headers = headers;
    this.timeout = config.requestTimeout();
  }

  /** The {@code lmi-http} kind: {@code <endpoint>/invocations} and {@code <endpoint>/ping}. */
  public static LmiHttpClient lmi(ProviderConfig config) {
    URI base = config.endpoint();
    URI invocations = resolve(base, "invocations");
    return new LmiHttpClient(
        config, invocations, invocations, resolve(base, "ping"), HttpTransport.Headers.NONE);
  }

  static URI resolve(URI base, String path) {
    String s = base.toString();
    return URI.create(s.endsWith("/") ? s + path : s + "/" + path);
  }

  @Override
  public CompletableFuture<Completion> generate(GenerationCall call) {
    byte[] body = LmiCodec.request(call, false);
    return headers
        .get(body)
        .thenCompose(
            h ->
                HttpTransport.within(
                    http.sendAsync(
                        request(invoke, body, h, call, "application/json"),
                        HttpResponse.BodyHandlers.ofByteArray()),
                    timeout))
        .handle(
            (resp, err) -> {
              if (err != null) {
                throw ProviderException.from(name, err);
              }
              if (resp.statusCode() != 200) {
                throw ProviderException.status(
                    name, resp.statusCode(), new String(resp.body(), StandardCharsets.UTF_8));
              }
              return LmiCodec.response(name, resp.body());
            });
  }

  private HttpRequest request(
      URI uri, byte[] body, Map<String, String> extra, GenerationCall call, String accept) {
    String requestId = call.requestId();
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("content-type", "application/json")
            .header("accept", accept)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (requestId != null && !requestId.isEmpty()) {
      b.header("x-request-id", requestId);
    }
    if (call.traceparent() != null) {
      b.header("traceparent", call.traceparent());
    }
    extra.forEach(b::header);
    return b.build();
  }

  @Override
  public Cancellable stream(GenerationCall call, StreamListener listener) {
    byte[] body = LmiCodec.request(call, true);
    LineStream lines = new LineStream(name, listener, new LmiCodec.LineReader(name, listener));
    lines.idleTimeout(timeout);
    CompletableFuture<?> sent =
        headers
            .get(body)
            .thenCompose(
                h ->
                    http.sendAsync(
                        request(streamInvoke, body, h, call, "application/jsonlines"),
                        lines.handler()))
            .whenComplete(lines::finished);
    return () -> {
      lines.cancel();
      sent.cancel(true);
    };
  }

  @Override
  public boolean hasHealthCheck() {
    return ping != null;
  }

  @Override
  public CompletableFuture<Void> ping() {
    if (ping == null) {
      return CompletableFuture.completedFuture(null);
    }
    HttpRequest req =
        HttpRequest.newBuilder(ping).timeout(java.time.Duration.ofSeconds(2)).GET().build();
    return http.sendAsync(req, HttpResponse.BodyHandlers.discarding())
        .handle(
            (resp, err) -> {
              if (err != null) {
                throw ProviderException.from(name, err);
              }
              if (resp.statusCode() != 200) {
                throw ProviderException.status(name, resp.statusCode(), "ping");
              }
              return null;
            });
  }

  /**
   * Feeds a streamed body line by line to a parser; a non-200 answer is read whole and reported.
   * Exactly one terminal callback reaches the listener. With {@link #idleTimeout} set, a stream on
   * which nothing arrives for that long (a provider that stalls mid-answer: the request timeout
   * only covers the wait for headers) fails with a timeout instead of hanging its caller.
   */
  static final class LineStream implements Flow.Subscriber<String> {
    private final String name;
    private final StreamListener listener;
    private final LineParser parser;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
    private volatile boolean cancelled;
    private volatile long lastNanos = System.nanoTime();
    private volatile long idleNanos;
    private volatile java.util.concurrent.ScheduledFuture<?> watchdog;

    LineStream(String name, StreamListener listener, LineParser parser) {
      this.name = name;
      this.listener = listener;
      this.parser = parser;
    }

    HttpResponse.BodyHandler<byte[]> handler() {
      return info -> {
        if (info.statusCode() != 200) {
          return BodySubscribers.ofByteArray();
        }
        BodySubscriber<Void> lines =
            BodySubscribers.fromLineSubscriber(this, s -> null, StandardCharsets.UTF_8, null);
        return BodySubscribers.mapping(lines, v -> null);
      };
    }

    void finished(HttpResponse<byte[]> resp, Throwable err) {
      if (err != null) {
        fail(ProviderException.from(name, err));
      } else if (resp.statusCode() != 200) {
        byte[] b = resp.body();
        fail(
            ProviderException.status(
                name, resp.statusCode(), b == null ? "" : new String(b, StandardCharsets.UTF_8)));
      } else if (!parser.done()) {
        fail(
            new ProviderException(
                name, ProviderException.Kind.PROTOCOL, 200, "stream ended before its end", null));
      }
    }

    /** Fails the stream when nothing (headers, then a line) arrives for {@code idle}. */
    void idleTimeout(java.time.Duration idle) {
      idleNanos = idle.toNanos();
      lastNanos = System.nanoTime();
      arm(idleNanos);
    }

    private void arm(long delayNanos) {
      watchdog =
          HttpTransport.TIMERS.schedule(
              this::checkIdle, delayNanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    private void checkIdle() {
      if (ended.get()) {
        return;
      }
      long quiet = System.nanoTime() - lastNanos;
      if (quiet < idleNanos) {
        arm(idleNanos - quiet);
        return;
      }
      fail(
          new ProviderException(
              name,
              ProviderException.Kind.TIMEOUT,
              0,
              "the stream stalled: nothing for " + idleNanos / 1_000_000 + " ms",
              null));
      Flow.Subscription s = subscription.get();
      if (s != null) {
        s.cancel();
      }
    }

    private void disarm() {
      java.util.concurrent.ScheduledFuture<?> w = watchdog;
      if (w != null) {
        w.cancel(false);
      }
    }

    void cancel() {
      cancelled = true;
      ended.set(true);
      disarm();
      Flow.Subscription s = subscription.get();
      if (s != null) {
        s.cancel();
      }
    }

    private void fail(Throwable t) {
      if (ended.compareAndSet(false, true) && !cancelled) {
        disarm();
        listener.onError(t);
      }
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription.set(s);
      if (cancelled) {
        s.cancel();
      } else {
        s.request(Long.MAX_VALUE);
      }
    }

    @Override
    public void onNext(String line) {
      if (ended.get()) {
        return;
      }
      lastNanos = System.nanoTime();
      try {
        if (parser.line(line)) {
          ended.set(true);
          disarm();
        }
      } catch (RuntimeException e) {
        fail(ProviderException.from(name, e));
        Flow.Subscription s = subscription.get();
        if (s != null) {
          s.cancel();
        }
      }
    }

    @Override
    public void onError(Throwable t) {
      fail(ProviderException.from(name, t));
    }

    @Override
    public void onComplete() {
      // finished(...) decides: the answer may have ended without its last line.
    }
  }
}
