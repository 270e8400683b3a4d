package io.mcpai.core.routing;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * The routing-weights file the batch pipeline's learner writes and the gateway hot-reloads:
 *
 * <pre>{@code
 * {"v": 1, "weights": {"aws": 0.5, "gcp": 0.3, "azure": 0.2},
 *  "learned_at": "2025-01-01T00:00:00Z", "source": "requests.jsonl rows 0-9999, tribuo ..."}
 * }</pre>
 *
 * Weights are relative (they need not sum to 1); a provider the file does not name keeps its
 * configured weight; 0 keeps a provider out of first choice (it is still a failover target).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RoutingWeights(int v, Map<String, Double> weights, String learnedAt, String source) {
  public static final int VERSION = 1;

  public RoutingWeights {
    weights = weights == null ? Map.of() : Map.copyOf(weights);
  }

  /** No file: every provider keeps its configured weight. */
  public static RoutingWeights none() {
    return new RoutingWeights(VERSION, Map.of(), null, "configuration");
  }

  public double weightOf(String provider, double configured) {
    Double w = weights.get(provider);
    return w == null ? configured : w;
  }
}
