package io.mcpai.core.routing;

import io.mcpai.core.provider.Completion;
import java.util.List;

/**
 * A routed answer: what came back, from whom, after which tries.
 *
 * @param upstreamNanos time spent waiting on providers (all tries), to tell the gateway's own
 *     overhead from the provider's
 * @param firstTokenNanos for streams, time from the start to the first token; else 0
 */
public record Routed(
    Completion completion,
    RoutedProvider provider,
    List<Attempt> attempts,
    long upstreamNanos,
    long firstTokenNanos) {
  public int retries() {
    return attempts.size() - 1;
  }
}
