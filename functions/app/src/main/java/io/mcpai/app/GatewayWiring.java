package io.mcpai.app;

import io.mcpai.core.context.ContextFormatter;
import io.mcpai.core.provider.ProviderClientFactory;
import io.mcpai.core.provider.ProviderConfig;
import io.mcpai.core.provider.ProviderSettings;
import io.mcpai.core.requestlog.JsonlRequestLog;
import io.mcpai.core.requestlog.RequestLog;
import io.mcpai.core.routing.ProviderRouter;
import io.mcpai.core.routing.RetryBudget;
import io.mcpai.core.routing.RoutedProvider;
import io.mcpai.core.routing.RoutingWeights;
import io.mcpai.core.routing.RoutingWeightsFile;
import io.mcpai.core.tracing.Tracing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Builds the routing stack from the settings: providers (configured, or the embedded default),
 * their clients, the router with breakers and health checks, the weights file watcher, the request
 * log and the metrics. Everything here is plain Java from core and providers; this class only wires
 * it and ties its lifetime to the application context.
 */
@Configuration(proxyBeanMethods = false)
class GatewayWiring {

  @Bean
  GatewaySettings gatewaySettings(Environment env) {
    return GatewaySettings.from(env);
  }

  /** The providers to route to; starts the embedded endpoints when none is configured. */
  @Bean(destroyMethod = "close")
  Fleet fleet(GatewaySettings s) {
    List<ProviderConfig> configured = ProviderSettings.fromEnvironment(s.env());
    if (!configured.isEmpty()) {
      return new Fleet(configured, null);
    }
    EmbeddedEndpoints embedded =
        EmbeddedEndpoints.start(s.endpointJar(), s.embeddedBasePort(), s.embeddedStartTimeout());
    return new Fleet(embedded.providers(), embedded);
  }

  /** Configured providers, and the embedded endpoints' processes when those are the providers. */
  record Fleet(List<ProviderConfig> providers, EmbeddedEndpoints embedded)
      implements AutoCloseable {
    boolean isEmbedded() {
      return embedded != null;
    }

    @Override
    public void close() {
      if (embedded != null) {
        embedded.close();
      }
    }
  }

  @Bean
  GatewayMetrics gatewayMetrics() {
    return new GatewayMetrics();
  }

  @Bean(destroyMethod = "close")
  WeightsSource weightsSource(GatewaySettings s) {
    return s.routingWeightsFile() == null
        ? new WeightsSource(null)
        : new WeightsSource(new RoutingWeightsFile(s.routingWeightsFile(), s.weightsPoll()));
  }

  /** The weights file when one is set, else the configured weights. */
  record WeightsSource(RoutingWeightsFile file) implements Supplier<RoutingWeights>, AutoCloseable {
    @Override
    public RoutingWeights get() {
      return file == null ? RoutingWeights.none() : file.get();
    }

    @Override
    public void close() {
      if (file != null) {
        file.close();
      }
    }
  }

  @Bean(destroyMethod = "close")
  ProviderRouter providerRouter(
      GatewaySettings s, Fleet fleet, WeightsSource weights, GatewayMetrics metrics) {
    List<RoutedProvider> routed = new ArrayList<>();
    for (ProviderConfig c : fleet.providers()) {
      RoutedProvider p =
          new RoutedProvider(c, ProviderClientFactory.forConfig(c, s.env()), s.breaker());
      metrics.watch(p);
      routed.add(p);
    }
    return new ProviderRouter(
        routed,
        weights,
        s.router(),
        new RetryBudget(s.retryBudgetRatio(), s.retryBudgetMinPerSecond()),
        metrics);
  }

  @Bean(destroyMethod = "close")
  RequestLog requestLog(GatewaySettings s, GatewayMetrics metrics) {
    if (s.requestLog() == null) {
      return RequestLog.NONE;
    }
    try {
      JsonlRequestLog log = new JsonlRequestLog(s.requestLog(), s.requestLogQueue());
      metrics.gauge("mcp_request_log_dropped", log::dropped);
      return log;
    } catch (IOException e) {
      throw new UncheckedIOException("MCP_REQUEST_LOG: cannot open " + s.requestLog(), e);
    }
  }

  /** OpenTelemetry spans by OTLP when MCP_OTEL_ENDPOINT (or OTEL_EXPORTER_OTLP_*) is set. */
  @Bean(destroyMethod = "close")
  Tracing tracing(GatewaySettings s) {
    Tracing t = Tracing.fromEnvironment(s.env(), "mcp-gateway");
    LoggerFactory.getLogger(Tracing.class).info("tracing: {}", t.describe());
    return t;
  }

  // Not named "gateway": that name is the cloud adapters' HTTP function
  // (SPRING_CLOUD_FUNCTION_DEFINITION).
  @Bean("gatewayPipeline")
  Gateway gateway(
      ContextFormatter formatter,
      ProviderRouter router,
      RequestLog requestLog,
      GatewayMetrics metrics,
      Tracing tracing,
      SessionWiring.Stores stores) {
    return new Gateway(
        formatter,
        router,
        requestLog,
        metrics,
        tracing,
        stores.sessions(formatter),
        stores.cache());
  }
}
