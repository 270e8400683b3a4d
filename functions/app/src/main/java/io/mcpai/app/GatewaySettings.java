package io.mcpai.app;

import io.mcpai.app.serverless.ServerlessConfiguration;
import io.mcpai.core.config.EnvSettings;
import io.mcpai.core.routing.ProviderRouter;
import io.mcpai.core.routing.RoutedProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;

/**
 * Every {@code MCP_} setting the gateway reads, with its default (the README lists the same). Read
 * through Spring's environment so {@code MCP_X} works as an environment variable, a system property
 * or a test property alike.
 */
record GatewaySettings(
    Map<String, String> env,
    Path endpointJar,
    Path requestLog,
    int requestLogQueue,
    Path routingWeightsFile,
    Duration weightsPoll,
    ProviderRouter.Settings router,
    RoutedProvider.BreakerSettings breaker,
    double retryBudgetRatio,
    double retryBudgetMinPerSecond,
    int embeddedBasePort,
    Duration embeddedStartTimeout) {

  static final String[] NAMES = {
    "MCP_PROVIDERS_FILE",
    "MCP_MODEL_SERVICE_AWS",
    "MCP_MODEL_SERVICE_GCP",
    "MCP_MODEL_SERVICE_AZURE",
    "MCP_MODEL_SERVICE_CONTEXT_WINDOW",
    "MCP_ENDPOINT_JAR",
    "MCP_EMBEDDED_BASE_PORT",
    "MCP_EMBEDDED_START_TIMEOUT_S",
    "MCP_REQUEST_LOG",
    "MCP_REQUEST_LOG_QUEUE",
    "MCP_ROUTING_WEIGHTS_FILE",
    "MCP_ROUTING_WEIGHTS_POLL_MS",
    "MCP_ROUTING_MODE",
    "MCP_MAX_ATTEMPTS",
    "MCP_RETRY_BACKOFF_MS",
    "MCP_RETRY_BUDGET_RATIO",
    "MCP_RETRY_BUDGET_MIN_PER_S",
    "MCP_HEALTH_INTERVAL_MS",
    "MCP_BREAKER_WINDOW",
    "MCP_BREAKER_MIN_CALLS",
    "MCP_BREAKER_FAILURE_RATE",
    "MCP_BREAKER_OPEN_MS",
    "MCP_BREAKER_HALF_OPEN_CALLS",
    // tracing (io.mcpai.core.tracing.Tracing)
    "MCP_OTEL_ENDPOINT",
    "MCP_OTEL_SAMPLE_RATIO",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    "OTEL_SERVICE_NAME",
    // read by the providers' clients
    "AZURE_ML_KEY"
  };

  static GatewaySettings from(Environment spring) {
    Map<String, String> env = environment(spring, NAMES);
    String log = env.getOrDefault("MCP_REQUEST_LOG", "./logs/requests.jsonl");
    String weights = env.get("MCP_ROUTING_WEIGHTS_FILE");
    ProviderRouter.Mode mode =
        switch (env.getOrDefault("MCP_ROUTING_MODE", "weighted").toLowerCase(Locale.ROOT)) {
          case "weighted" -> ProviderRouter.Mode.WEIGHTED;
          case "least_outstanding", "p2c" -> ProviderRouter.Mode.LEAST_OUTSTANDING;
          default ->
              throw new IllegalArgumentException(
                  "MCP_ROUTING_MODE must be weighted or least_outstanding, got "
                      + env.get("MCP_ROUTING_MODE"));
        };
    return new GatewaySettings(
        env,
        Path.of(env.getOrDefault("MCP_ENDPOINT_JAR", EmbeddedEndpoints.DEFAULT_JAR)),
        log.isBlank() || log.equals("off") ? null : Path.of(log),
        EnvSettings.integer(env, "MCP_REQUEST_LOG_QUEUE", 65536),
        weights == null || weights.isBlank() ? null : Path.of(weights),
        Duration.ofMillis(EnvSettings.integer(env, "MCP_ROUTING_WEIGHTS_POLL_MS", 1000)),
        new ProviderRouter.Settings(
            mode,
            EnvSettings.integer(env, "MCP_MAX_ATTEMPTS", 3),
            Duration.ofMillis(EnvSettings.integer(env, "MCP_RETRY_BACKOFF_MS", 25)),
            Duration.ofMillis(500),
            Duration.ofMillis(EnvSettings.integer(env, "MCP_HEALTH_INTERVAL_MS", 5000))),
        new RoutedProvider.BreakerSettings(
            EnvSettings.integer(env, "MCP_BREAKER_WINDOW", 20),
            EnvSettings.integer(env, "MCP_BREAKER_MIN_CALLS", 5),
            (float) EnvSettings.number(env, "MCP_BREAKER_FAILURE_RATE", 50),
            Duration.ofMillis(EnvSettings.integer(env, "MCP_BREAKER_OPEN_MS", 10000)),
            EnvSettings.integer(env, "MCP_BREAKER_HALF_OPEN_CALLS", 2)),
        EnvSettings.number(env, "MCP_RETRY_BUDGET_RATIO", 0.2),
        EnvSettings.number(env, "MCP_RETRY_BUDGET_MIN_PER_S", 10),
        EnvSettings.integer(env, "MCP_EMBEDDED_BASE_PORT", 8001),
        Duration.ofSeconds(EnvSettings.integer(env, "MCP_EMBEDDED_START_TIMEOUT_S", 180)));
  }

  /** The process environment with {@code names} overridden from Spring's (properties, args). */
  static Map<String, String> environment(Environment spring, String... names) {
    Map<String, String> env = new HashMap<>(System.getenv());
    if (spring instanceof ConfigurableEnvironment c
        && c.getPropertySources().get(ServerlessConfiguration.SECRETS_SOURCE)
            instanceof EnumerablePropertySource<?> secrets) {
      for (String name : secrets.getPropertyNames()) {
        env.put(name, String.valueOf(secrets.getProperty(name)));
      }
    }
    for (String name : names) {
      String v = spring.getProperty(name);
      if (v != null) {
        env.put(name, v);
      }
    }
    return env;
  }
}
