package io.mcpai.batch;

import io.mcpai.core.context.ContextFormatter;
import io.mcpai.core.context.ModelCatalog;
import io.mcpai.core.provider.ProviderClient;
import io.mcpai.core.provider.ProviderClientFactory;
import io.mcpai.core.provider.ProviderConfig;
import io.mcpai.core.provider.ProviderSettings;
import io.mcpai.core.routing.ProviderRouter;
import io.mcpai.core.routing.RetryBudget;
import io.mcpai.core.routing.RoutedProvider;
import io.mcpai.core.routing.RoutingWeights;
import io.mcpai.core.routing.RoutingWeightsFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * What a worker JVM calls providers with: core's formatter, the router (weights, breakers, health
 * checks, failover) over clients for the configured providers, and one adaptive limit per provider.
 * One per JVM and configuration, shared by every DoFn instance (each runner thread has its own
 * instance), so connection pools, breakers and limits see the whole worker's traffic.
 */
final class Fleet implements AutoCloseable {
  private static final Map<String, Fleet> SHARED = new HashMap<>();

  final String key;
  final ContextFormatter formatter;
  final ProviderRouter router;
  final Map<String, AdaptiveLimit> limits = new HashMap<>();
  private final RoutingWeightsFile weightsFile;
  private int users;

  private Fleet(String key, BatchSettings s) {
    this.key = key;
    this.formatter = new ContextFormatter(ModelCatalog.defaults());
    List<ProviderConfig> configs = providers(s.providersYaml());
    List<RoutedProvider> routed = new ArrayList<>();
    Map<String, String> env = System.getenv();
    for (ProviderConfig c : configs) {
      ProviderClient client =
          c.kind().equals(ProviderConfig.LMI_HTTP)
              ? new IdempotentLmiClient(c)
              : ProviderClientFactory.forConfig(c, env);
      routed.add(new RoutedProvider(c, client, RoutedProvider.BreakerSettings.defaults()));
      limits.put(c.name(), new AdaptiveLimit(s.initialConcurrency(), s.maxConcurrency()));
    }
    this.weightsFile =
        s.routingWeightsFile() == null
            ? null
            : new RoutingWeightsFile(Path.of(s.routingWeightsFile()), Duration.ofSeconds(1));
    Supplier<RoutingWeights> weights = weightsFile == null ? RoutingWeights::none : weightsFile;
    ProviderRouter.Settings d = ProviderRouter.Settings.defaults();
    this.router =
        new ProviderRouter(
            routed,
            weights,
            new ProviderRouter.Settings(
                d.mode(), s.routerAttempts(), d.backoff(), d.maxBackoff(), d.healthInterval()),
            // Batch traffic expects retries: a generous budget, still bounded.
            new RetryBudget(0.5, 50),
            io.mcpai.core.routing.RoutingListener.NONE);
  }

  static List<ProviderConfig> providers(String yaml) {
    Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    return ProviderSettings.fromYaml(root, "providers");
  }

  /** Takes a reference to the JVM's fleet for these settings, building it on first use. */
  static synchronized Fleet acquire(BatchSettings s) {
    String key = s.fleetKey();
    Fleet f = SHARED.computeIfAbsent(key, k -> new Fleet(k, s));
    f.users++;
    return f;
  }

  /** Gives a reference back; the last one closes the router and its clients. */
  static synchronized void release(Fleet f) {
    if (f != null && --f.users == 0) {
      SHARED.remove(f.key);
      f.close();
    }
  }

  AdaptiveLimit limit(String provider) {
    return limits.get(provider);
  }

  /** {@code aws 40/64, gcp 38/64}: requests in flight and the adaptive limit, per provider. */
  static synchronized String throttleSummary() {
    StringBuilder sb = new StringBuilder();
    for (Fleet f : SHARED.values()) {
      f.limits.forEach(
          (p, l) -> {
            if (sb.length() > 0) {
              sb.append(", ");
            }
            sb.append(p).append(' ').append(l.inFlight()).append('/').append(l.limit());
          });
    }
    return sb.toString();
  }

  @Override
  public void close() {
    router.close();
    if (weightsFile != null) {
      weightsFile.close();
    }
  }
}
