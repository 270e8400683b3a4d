package io.mcpai.core.provider;

import java.util.concurrent.CompletableFuture;

/**
 * A model endpoint, whatever the cloud. Non-blocking: results arrive on the client's own threads,
 * never the caller's, so a server's event loop is never held. Failures complete exceptionally with
 * a {@link ProviderException}, which says whether another provider may be tried.
 */
public interface ProviderClient extends AutoCloseable {

  CompletableFuture<Completion> generate(GenerationCall call);

  Cancellable stream(GenerationCall call, StreamListener listener);

  /** Whether {@link #ping} is a real check; clouds without one rely on the circuit breaker. */
  default boolean hasHealthCheck() {
    return false;
  }

  /** Completes normally when the endpoint answers its health check. */
  default CompletableFuture<Void> ping() {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  default void close() {}
}
