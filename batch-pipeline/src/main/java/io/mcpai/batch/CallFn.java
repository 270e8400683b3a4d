package io.mcpai.batch;

import io.mcpai.core.protocol.ProtocolException;
import io.mcpai.core.provider.ProviderException;
import io.mcpai.core.routing.Attempt;
import io.mcpai.core.routing.NoProviderException;
import io.mcpai.core.routing.Routed;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/**
 * Calls the providers for batches of prepared prompts, through core's router (weights, breakers,
 * failover between providers) and clients, asynchronously: a batch's prompts are all sent at once,
 * up to the provider's {@link AdaptiveLimit}, and the function only waits for answers at the end of
 * its bundle, so a worker thread keeps many batches in flight.
 *
 * <ul>
 *   <li><b>Retries</b>: when the router gives up (every provider failed or is open), the prompt is
 *       retried after an exponential backoff with jitter, at least the router's {@code
 *       Retry-After}, up to {@code maxRetries} times; then it is a retryable error a re-run tries
 *       again.
 *   <li><b>Poison prompts</b>: a 4xx (400/413/422) from a provider fails only its own prompt. The
 *       prompt is set aside and retried once more alone after the rest of the bundle, so neither
 *       the batch nor a prompt caught in a provider's bad moment is lost; a second 4xx is final.
 *   <li><b>Idempotency</b>: every try carries {@code <job>/<custom_id>} as its request id and
 *       {@code x-idempotency-key}.
 *   <li><b>Durability</b>: at the end of the bundle its results and errors are written as part
 *       files before the bundle commits; a killed run loses only bundles in flight.
 * </ul>
 */
final class CallFn extends DoFn<KV<String, Iterable<String>>, String> {
  private static final Set<String> OVERLOAD = Set.of("http_429", "http_503", "timeout");
  private static final long MAX_BACKOFF_MS = 30_000;
  private static final ScheduledExecutorService TIMER =
      Executors.newSingleThreadScheduledExecutor(daemon("mcp-batch-retry-timer"));
  // Retries wait for a slot of the adaptive limit: never on the timer or an HTTP thread.
  private static final ExecutorService RETRIES =
      Executors.newCachedThreadPool(daemon("mcp-batch-retry"));

  private final BatchSettings settings;
  private transient Fleet fleet;
  private transient Progress progress;
  private transient List<CompletableFuture<Void>> pending;
  private transient ConcurrentLinkedQueue<String> results;
  private transient ConcurrentLinkedQueue<String> errors;
  private transient ConcurrentLinkedQueue<Suspect> suspects;

  private record Suspect(PreparedPrompt prompt, String provider) {}

  CallFn(BatchSettings settings) {
    this.settings = settings;
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  @Setup
  public void setup() {
    fleet = Fleet.acquire(settings);
    progress = new Progress(settings.jobId());
  }

  @Teardown
  public void teardown() {
    Fleet.release(fleet);
    fleet = null;
  }

  @StartBundle
  public void startBundle() {
    pending = new ArrayList<>();
    results = new ConcurrentLinkedQueue<>();
    errors = new ConcurrentLinkedQueue<>();
    suspects = new ConcurrentLinkedQueue<>();
  }

  @ProcessElement
  public void process(@Element KV<String, Iterable<String>> batch) throws InterruptedException {
    String key = batch.getKey();
    int hash = key.lastIndexOf('#');
    String provider = hash < 0 ? key : key.substring(0, hash);
    AdaptiveLimit limit = fleet.limit(provider);
    for (String json : batch.getValue()) {
      limit.acquire();
      pending.add(call(PreparedPrompt.fromJson(json), provider, 0, false));
    }
  }

  @FinishBundle
  public void finishBundle() throws InterruptedException {
    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
    // Prompts a provider refused with a 4xx: once more, one at a time, so a refusal caused by
    // the provider's state rather than the prompt does not lose a good prompt.
    for (Suspect s = suspects.poll(); s != null; s = suspects.poll()) {
      progress.inc(Progress.POISON);
      fleet.limit(s.provider()).acquire();
      call(s.prompt(), s.provider(), 0, true).join();
    }
    PartFiles.write(settings.output(), PartFiles.RESULTS, new ArrayList<>(results));
    PartFiles.write(settings.output(), PartFiles.ERRORS, new ArrayList<>(errors));
    pending = null;
    progress.report();
  }

  /** One try of one prompt, holding a slot of {@code provider}'s limit; releases it. */
  private CompletableFuture<Void> call(PreparedPrompt p, String provider, int retry, boolean solo) {
    AdaptiveLimit limit = fleet.limit(provider);
    String key = IdempotencyKey.of(settings.jobId(), p.customId());
    long t0 = System.nanoTime();
    CompletableFuture<Void> done = new CompletableFuture<>();
    CompletableFuture<Routed> f;
    try {
      f = fleet.router.generate(p.call(key), p.provider() != null ? p.provider() : provider);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    f.whenComplete(
        (r, err) -> {
          try {
            if (err == null) {
              if (overloaded(r.attempts(), provider)) {
                limit.overloaded();
              } else {
                limit.success();
              }
              results.add(
                  OutputLines.result(p, r, settings.jobId(), (System.nanoTime() - t0) / 1e6));
              progress.inc(Progress.DONE);
              progress.add(Progress.PROMPT_TOKENS, p.promptTokens());
              progress.add(
                  Progress.COMPLETION_TOKENS, Math.max(0, r.completion().completionTokens()));
              done.complete(null);
            } else {
              failed(p, provider, retry, solo, unwrap(err), limit, done);
            }
          } catch (RuntimeException e) {
            done.completeExceptionally(e);
          }
        });
    return done;
  }

  private void failed(
      PreparedPrompt p,
      String provider,
      int retry,
      boolean solo,
      Throwable err,
      AdaptiveLimit limit,
      CompletableFuture<Void> done) {
    if (err instanceof ProtocolException pe) {
      limit.neutral();
      fail(
          OutputLines.error(p.customId(), p.source(), OutputLines.VALIDATE, pe, settings.jobId()),
          done);
      return;
    }
    if (err instanceof ProviderException pe && pe.requestFault()) {
      limit.neutral();
      if (!solo) {
        suspects.add(new Suspect(p, provider));
        done.complete(null);
      } else {
        fail(
            OutputLines.error(
                p.customId(),
                p.source(),
                OutputLines.CALL,
                pe.status(),
                "provider_rejected",
                pe.getMessage(),
                null,
                null,
                false,
                retry + 2,
                settings.jobId()),
            done);
      }
      return;
    }
    Throwable last =
        err instanceof NoProviderException && err.getCause() != null ? err.getCause() : err;
    if (last instanceof ProviderException pe && OVERLOAD.contains(pe.reason())) {
      limit.overloaded();
    } else {
      limit.neutral();
    }
    if (retry < settings.maxRetries()) {
      progress.inc(Progress.RETRIED);
      long wait = backoffMillis(retry);
      if (err instanceof NoProviderException np) {
        wait = Math.max(wait, np.retryAfterSeconds() * 1000L);
      }
      TIMER.schedule(
          () ->
              RETRIES.execute(
                  () -> {
                    try {
                      limit.acquire();
                      call(p, provider, retry + 1, solo)
                          .whenComplete(
                              (v, e) -> {
                                if (e == null) {
                                  done.complete(null);
                                } else {
                                  done.completeExceptionally(e);
                                }
                              });
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                      done.completeExceptionally(e);
                    }
                  }),
          wait,
          TimeUnit.MILLISECONDS);
      return;
    }
    int status = last instanceof ProviderException pe && pe.status() > 0 ? pe.status() : 503;
    fail(
        OutputLines.error(
            p.customId(),
            p.source(),
            OutputLines.CALL,
            status,
            "provider_unavailable",
            err.getMessage(),
            null,
            null,
            true,
            retry + 1,
            settings.jobId()),
        done);
  }

  private void fail(String line, CompletableFuture<Void> done) {
    errors.add(line);
    progress.inc(Progress.FAILED);
    done.complete(null);
  }

  private long backoffMillis(int retry) {
    long base = Math.min(MAX_BACKOFF_MS, settings.retryBackoffMs() << Math.min(16, retry));
    return base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
  }

  private static boolean overloaded(List<Attempt> attempts, String provider) {
    for (Attempt a : attempts) {
      if (a.provider().equals(provider) && OVERLOAD.contains(a.outcome())) {
        return true;
      }
    }
    return false;
  }

  private static Throwable unwrap(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
