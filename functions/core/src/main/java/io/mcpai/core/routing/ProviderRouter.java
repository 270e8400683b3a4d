package io.mcpai.core.routing;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.mcpai.core.protocol.Problem;
import io.mcpai.core.protocol.ProtocolException;
import io.mcpai.core.provider.Cancellable;
import io.mcpai.core.provider.Completion;
import io.mcpai.core.provider.GenerationCall;
import io.mcpai.core.provider.ProviderException;
import io.mcpai.core.provider.StreamListener;
import io.mcpai.core.security.Rejection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Picks providers and calls them with failover: the seed's weighted choice, with weights from the
 * routing-weights file, among providers that are reachable (active health checks), whose circuit
 * breaker lets calls through, and whose context window holds the prompt. A failed try (connect
 * error, timeout, 5xx, 429, provider-side 4xx) moves to the next provider in the plan, within a
 * retry budget; a request's own 4xx is answered as it is. Nothing here blocks: tries chain on the
 * clients' futures, and backoff waits on a scheduler.
 */
public final class ProviderRouter implements AutoCloseable {
  /** Every configured provider may take the request (no API key's provider list applies). */
  public static final Predicate<String> ANY = name -> true;

  /** How the first choice is made. */
  public enum Mode {
    /** Weighted random choice, as the seed's {@code select_provider}. */
    WEIGHTED,
    /** Power of two choices: two weighted picks, the one with fewer requests in flight wins. */
    LEAST_OUTSTANDING
  }

  /**
   * @param maxAttempts tries per request over the whole plan (a plan shorter than this cycles)
   * @param backoff the first wait before trying the same provider again; doubles, with jitter
   * @param healthInterval how often providers with a health check are pinged (0: never)
   */
  public record Settings(
      Mode mode, int maxAttempts, Duration backoff, Duration maxBackoff, Duration healthInterval) {
    public static Settings defaults() {
      return new Settings(
          Mode.WEIGHTED, 3, Duration.ofMillis(25), Duration.ofMillis(500), Duration.ofSeconds(5));
    }
  }

  private final List<RoutedProvider> providers;
  private final Map<String, RoutedProvider> byName = new LinkedHashMap<>();
  private final Supplier<RoutingWeights> weights;
  private final Settings settings;
  private final RetryBudget budget;
  private final RoutingListener listener;
  private final ScheduledExecutorService timer;

  public ProviderRouter(
      List<RoutedProvider> providers,
      Supplier<RoutingWeights> weights,
      Settings settings,
      RetryBudget budget,
      RoutingListener listener) {
    if (providers.isEmpty()) {
      throw new IllegalArgumentException("the router needs at least one provider");
    }
    this.providers = List.copyOf(providers);
    for (RoutedProvider p : providers) {
      if (byName.put(p.name(), p) != null) {
        throw new IllegalArgumentException("two providers are named " + p.name());
      }
    }
    this.weights = weights;
    this.settings = settings;
    this.budget = budget;
    this.listener = listener;
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "mcp-router-timer");
              t.setDaemon(true);
              return t;
            });
    long every = settings.healthInterval().toMillis();
    if (every > 0) {
      timer.scheduleWithFixedDelay(this::checkHealth, 0, every, TimeUnit.MILLISECONDS);
    }
  }

  public List<RoutedProvider> providers() {
    return providers;
  }

  public RoutedProvider provider(String name) {
    return byName.get(name);
  }

  public Settings settings() {
    return settings;
  }

  public RoutingWeights weights() {
    return weights.get();
  }

  /** Pings every provider that has a health check, now. */
  public void checkHealth() {
    for (RoutedProvider p : providers) {
      if (p.client().hasHealthCheck()) {
        try {
          p.client()
              .ping()
              .whenComplete(
                  (ok, err) -> {
                    if (err == null) {
                      p.pingSucceeded();
                    } else {
                      p.pingFailed();
                    }
                  });
        } catch (RuntimeException e) {
          p.pingFailed();
        }
      }
    }
  }

  /**
   * The providers to try, in order.
   *
   * @param preferred a provider the request names (tried first when available), or null
   * @throws ProtocolException 413 when no provider's window holds the prompt
   * @throws NoProviderException when no provider is available
   */
  public List<RoutedProvider> plan(String preferred, int promptTokens) {
    return plan(preferred, promptTokens, ANY);
  }

  /**
   * As above, among the providers {@code allowed} names (an API key's provider list).
   *
   * @throws Rejection 403 when {@code allowed} leaves no configured provider
   */
  public List<RoutedProvider> plan(String preferred, int promptTokens, Predicate<String> allowed) {
    int n = providers.size();
    RoutedProvider[] pick = new RoutedProvider[n];
    double[] key = new double[n];
    int count = 0;
    int fits = 0;
    int largest = 0;
    RoutingWeights w = weights.get();
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    int permitted = 0;
    for (RoutedProvider p : providers) {
      if (!allowed.test(p.name())) {
        continue; // as if not configured: a key's list bounds where its prompts may go
      }
      permitted++;
      largest = Math.max(largest, p.config().contextWindow());
      if (p.config().contextWindow() <= promptTokens) {
        continue; // at least one token must be left to generate
      }
      fits++;
      if (!p.selectable()) {
        continue;
      }
      double weight = w.weightOf(p.name(), p.config().weight());
      if (p.breaker().getState() == CircuitBreaker.State.HALF_OPEN) {
        weight *= 0.1; // probing: a trickle, not a share
      }
      // Efraimidis-Spirakis: sorting by -ln(u)/w is a weighted draw without replacement.
      double k = weight > 0 ? -Math.log(1.0 - rnd.nextDouble()) / weight : 1e300 + rnd.nextDouble();
      if (p.name().equals(preferred)) {
        k = -1;
      }
      pick[count] = p;
      key[count] = k;
      count++;
    }
    if (permitted == 0 && !providers.isEmpty()) {
      throw Rejection.forbidden(
          "provider",
          "this API key may not use any configured provider (configured: "
              + providers.stream().map(RoutedProvider::name).toList()
              + ")");
    }
    if (fits == 0) {
      throw new ProtocolException(
          413,
          ProtocolException.CONTEXT_LENGTH,
          List.of(
              Problem.tooLarge(
                  "messages",
                  "the prompt is "
                      + promptTokens
                      + " tokens; the largest provider context window is "
                      + largest
                      + " (at least 1 token must be left to generate)",
                  largest)));
    }
    if (count == 0) {
      throw new NoProviderException(
          "no provider is available (" + describeStates() + ")", retryAfterSeconds(), null);
    }
    Integer[] order = new Integer[count];
    for (int i = 0; i < count; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> key[i]));
    List<RoutedProvider> plan = new ArrayList<>(count);
    for (Integer i : order) {
      plan.add(pick[i]);
    }
    if (settings.mode() == Mode.LEAST_OUTSTANDING
        && count >= 2
        && key[order[0]] >= 0
        && plan.get(1).inFlight() < plan.get(0).inFlight()) {
      plan.set(0, pick[order[1]]);
      plan.set(1, pick[order[0]]);
    }
    return plan;
  }

  private String describeStates() {
    StringBuilder sb = new StringBuilder();
    for (RoutedProvider p : providers) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(p.name()).append('=').append(p.state().name().toLowerCase(java.util.Locale.ROOT));
    }
    return sb.toString();
  }

  private int retryAfterSeconds() {
    long ms = 1000;
    for (RoutedProvider p : providers) {
      if (p.breaker().getState() == CircuitBreaker.State.OPEN) {
        ms =
            Math.max(
                ms,
                p.breaker()
                    .getCircuitBreakerConfig()
                    .getWaitIntervalFunctionInOpenState()
                    .apply(1));
      }
    }
    return (int) Math.min(60, (ms + 999) / 1000);
  }

  private long backoffMillis(int sameProviderTries) {
    long base = settings.backoff().toMillis() << Math.min(10, Math.max(0, sameProviderTries - 1));
    long capped = Math.min(settings.maxBackoff().toMillis(), base);
    return capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
  }

  /** Calls providers in plan order until one answers. */
  public CompletableFuture<Routed> generate(GenerationCall call, String preferred) {
    return generate(call, preferred, ANY);
  }

  /** As above, among the providers {@code allowed} names. */
  public CompletableFuture<Routed> generate(
      GenerationCall call, String preferred, Predicate<String> allowed) {
    try {
      List<RoutedProvider> plan = plan(preferred, call.promptTokens(), allowed);
      budget.onRequest();
      Run run = new Run(call, plan, null);
      run.next();
      return run.result;
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Receives a routed stream; exactly one of onComplete/onError ends it. */
  public interface RoutedStreamListener {
    void onToken(String text);

    void onComplete(Routed routed);

    /**
     * @param afterFirstToken true when tokens had already been sent: the stream cannot fail over
     *     and must end with an error event
     */
    void onError(Throwable error, boolean afterFirstToken, List<Attempt> attempts);
  }

  /**
   * Streams from the first provider that produces a token; a failure before the first token fails
   * over like {@link #generate}, after it ends the stream with {@code onError(…, true)}.
   */
  public Cancellable stream(GenerationCall call, String preferred, RoutedStreamListener l) {
    return stream(call, preferred, ANY, l);
  }

  /** As above, among the providers {@code allowed} names. */
  public Cancellable stream(
      GenerationCall call, String preferred, Predicate<String> allowed, RoutedStreamListener l) {
    List<RoutedProvider> plan;
    try {
      plan = plan(preferred, call.promptTokens(), allowed);
    } catch (RuntimeException e) {
      l.onError(e, false, List.of());
      return () -> {};
    }
    budget.onRequest();
    Run run = new Run(call, plan, l);
    run.next();
    return run::cancel;
  }

  /** One request's walk along its plan. */
  private final class Run {
    final GenerationCall call;
    final List<RoutedProvider> plan;
    final RoutedStreamListener streamTo;
    final CompletableFuture<Routed> result = new CompletableFuture<>();
    final List<Attempt> attempts = new ArrayList<>(2);
    final long startedAt = System.nanoTime();
    volatile TryListener currentTry;
    long upstreamNanos;
    int index;
    RoutedProvider last;
    Throwable lastError;
    volatile boolean cancelled;
    volatile Cancellable current;

    Run(GenerationCall call, List<RoutedProvider> plan, RoutedStreamListener streamTo) {
      this.call = call;
      this.plan = plan;
      this.streamTo = streamTo;
    }

    void cancel() {
      cancelled = true;
      Cancellable c = current;
      if (c != null) {
        c.cancel();
      }
      TryListener t = currentTry;
      if (t != null && t.ended.compareAndSet(false, true)) {
        t.end();
        t.p.breaker().releasePermission(); // the caller left; says nothing about the provider
      }
    }

    void next() {
      while (index < settings.maxAttempts() && !cancelled) {
        RoutedProvider p = plan.get(index % plan.size());
        index++;
        if (!p.breaker().tryAcquirePermission()) {
          attempts.add(new Attempt(p.name(), "breaker_open", 0));
          continue;
        }
        if (last != null && last != p) {
          listener.failedOver(last, p, lastError == null ? "breaker_open" : reason(lastError));
        }
        last = p;
        int window = p.config().contextWindow() - call.promptTokens();
        GenerationCall c = call.withMaxNewTokens(Math.min(call.maxNewTokens(), window));
        p.inFlightCounter().incrementAndGet();
        long t0 = System.nanoTime();
        if (streamTo == null) {
          CompletableFuture<Completion> f;
          try {
            f = p.client().generate(c);
          } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
          }
          f.whenComplete((done, err) -> finished(p, t0, done, err));
        } else {
          TryListener t = new TryListener(p, t0);
          currentTry = t;
          current = p.client().stream(c, t);
        }
        return;
      }
      fail();
    }

    private void fail() {
      if (cancelled) {
        return;
      }
      String tried =
          attempts.isEmpty()
              ? "none"
              : attempts.stream()
                  .map(a -> a.provider() + ":" + a.outcome())
                  .reduce((a, b) -> a + ", " + b)
                  .orElse("");
      NoProviderException e =
          new NoProviderException(
              "no provider could answer (tried " + tried + ")", retryAfterSeconds(), lastError);
      if (streamTo == null) {
        result.completeExceptionally(e);
      } else {
        streamTo.onError(e, false, List.copyOf(attempts));
      }
    }

    /** A non-streamed try ended. */
    void finished(RoutedProvider p, long t0, Completion done, Throwable err) {
      long took = System.nanoTime() - t0;
      p.inFlightCounter().decrementAndGet();
      upstreamNanos += took;
      if (err == null) {
        p.breaker().onSuccess(took, TimeUnit.NANOSECONDS);
        attempts.add(new Attempt(p.name(), "ok", took / 1000));
        result.complete(new Routed(done, p, List.copyOf(attempts), upstreamNanos, 0));
        return;
      }
      failed(p, took, err);
    }

    /** A try failed before any token reached the caller: fail over, or give up. */
    void failed(RoutedProvider p, long took, Throwable err) {
      ProviderException pe = ProviderException.from(p.name(), err);
      attempts.add(new Attempt(p.name(), pe.reason(), took / 1000));
      if (pe.requestFault()) {
        p.breaker()
            .onSuccess(took, TimeUnit.NANOSECONDS); // the provider is fine; the request is not
        if (streamTo == null) {
          result.completeExceptionally(pe);
        } else {
          streamTo.onError(pe, false, List.copyOf(attempts));
        }
        return;
      }
      p.breaker().onError(took, TimeUnit.NANOSECONDS, pe);
      lastError = pe;
      if (cancelled) {
        return;
      }
      if (index >= settings.maxAttempts()) {
        fail();
        return;
      }
      if (!budget.tryRetry()) {
        attempts.add(new Attempt(p.name(), "retry_budget_exhausted", 0));
        fail();
        return;
      }
      listener.retried(p, pe.reason());
      RoutedProvider upcoming = plan.get(index % plan.size());
      if (upcoming != p) {
        next(); // a different provider: no reason to wait
      } else {
        int sameTries = (int) attempts.stream().filter(a -> a.provider().equals(p.name())).count();
        timer.schedule(this::next, backoffMillis(sameTries), TimeUnit.MILLISECONDS);
      }
    }

    /** Listens to one streamed try. */
    private final class TryListener implements StreamListener {
      final RoutedProvider p;
      final long t0;
      final AtomicBoolean ended = new AtomicBoolean();
      volatile boolean started;
      long firstToken;

      TryListener(RoutedProvider p, long t0) {
        this.p = p;
        this.t0 = t0;
      }

      private long end() {
        p.inFlightCounter().decrementAndGet();
        long took = System.nanoTime() - t0;
        upstreamNanos += took;
        return took;
      }

      @Override
      public void onToken(String text) {
        if (ended.get() || cancelled) {
          return;
        }
        if (!started) {
          started = true;
          firstToken = System.nanoTime() - startedAt;
        }
        streamTo.onToken(text);
      }

      @Override
      public void onComplete(Completion completion) {
        if (!ended.compareAndSet(false, true)) {
          return;
        }
        long took = end();
        p.breaker().onSuccess(took, TimeUnit.NANOSECONDS);
        attempts.add(new Attempt(p.name(), "ok", took / 1000));
        if (!cancelled) {
          streamTo.onComplete(
              new Routed(completion, p, List.copyOf(attempts), upstreamNanos, firstToken));
        }
      }

      @Override
      public void onError(Throwable error) {
        if (!ended.compareAndSet(false, true)) {
          return;
        }
        long took = end();
        if (!started) {
          failed(p, took, error);
          return;
        }
        ProviderException pe = ProviderException.from(p.name(), error);
        p.breaker().onError(took, TimeUnit.NANOSECONDS, pe);
        attempts.add(new Attempt(p.name(), pe.reason() + "_after_first_token", took / 1000));
        if (!cancelled) {
          streamTo.onError(pe, true, List.copyOf(attempts));
        }
      }
    }
  }

  private static String reason(Throwable t) {
    return t instanceof ProviderException pe ? pe.reason() : t.getClass().getSimpleName();
  }

  @Override
  public void close() {
    timer.shutdownNow();
    for (RoutedProvider p : providers) {
      try {
        p.client().close();
      } catch (Exception e) {
        // closing is best effort
      }
    }
  }
}
