package io.mcpai.app;

import io.mcpai.core.process.ResidentMemory;
import io.mcpai.core.routing.RoutedProvider;
import io.mcpai.core.routing.RoutingListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's Prometheus metrics. Meters are looked up once per (model, provider) and cached, so
 * the request path costs a map lookup and an atomic add.
 *
 * <ul>
 *   <li>{@code inference_requests_total{model,cloud_provider}} (the seed's), {@code
 *       mcp_gateway_errors_total{type}}
 *   <li>{@code inference_request_duration_seconds{model,cloud_provider}}, {@code
 *       mcp_time_to_first_token_seconds{cloud_provider}}: histograms
 *   <li>{@code mcp_gateway_overhead_seconds}: time not spent waiting on providers, p50/p99 and
 *       histogram
 *   <li>{@code mcp_provider_state{provider}} (1 up, 2 half-open, 3 open, 4 down), {@code
 *       mcp_provider_in_flight{provider}}
 *   <li>{@code mcp_provider_retries_total{provider,reason}}, {@code
 *       mcp_provider_failovers_total{from,to}}
 *   <li>{@code mcp_cost_usd_total{provider,model,key}}: what answers cost ({@link
 *       io.mcpai.core.cost.ProviderPricing}), {@code process_resident_memory_bytes}
 * </ul>
 */
final class GatewayMetrics implements RoutingListener {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Timer overhead;
  private final Map<String, Counter> requests = new ConcurrentHashMap<>();
  private final Map<String, Timer> durations = new ConcurrentHashMap<>();
  private final Map<String, Timer> ttft = new ConcurrentHashMap<>();
  private final Map<String, Counter> errors = new ConcurrentHashMap<>();
  private final Map<String, Counter> retries = new ConcurrentHashMap<>();
  private final Map<String, Counter> failovers = new ConcurrentHashMap<>();
  private final Map<String, Counter> costs = new ConcurrentHashMap<>();
  // Sessions and the response cache (issue 10).
  private final Map<String, Counter> cacheResults = new ConcurrentHashMap<>();
  private final Map<String, Counter> rateLimited = new ConcurrentHashMap<>();
  private final Counter sessionTurns;

  GatewayMetrics() {
    overhead =
        Timer.builder("mcp_gateway_overhead")
            .description("time a request spent in the gateway, not waiting on a provider")
            .publishPercentiles(0.5, 0.99)
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(10_000))
            .maximumExpectedValue(Duration.ofSeconds(1))
            .register(registry);
    sessionTurns =
        Counter.builder("mcp_session_turns")
            .description("answered turns appended to stored sessions")
            .register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    Gauge.builder(ResidentMemory.METRIC, ResidentMemory::bytes)
        .description("resident set size (heap, direct buffers, code)")
        .register(registry);
  }

  void watch(RoutedProvider p) {
    Gauge.builder("mcp_provider_state", p, x -> x.state().code)
        .description("1 up, 2 half-open, 3 open (breaker), 4 down (health check)")
        .tag("provider", p.name())
        .register(registry);
    Gauge.builder("mcp_provider_in_flight", p, RoutedProvider::inFlight)
        .tag("provider", p.name())
        .register(registry);
  }

  void gauge(String name, java.util.function.Supplier<Number> value) {
    Gauge.builder(name, value).register(registry);
  }

  void answered(String model, String provider, long nanos) {
    String key = model + '\u0000' + provider;
    requests
        .computeIfAbsent(
            key,
            k ->
                Counter.builder("inference_requests")
                    .tag("model", model)
                    .tag("cloud_provider", provider)
                    .register(registry))
        .increment();
    durations
        .computeIfAbsent(
            key,
            k ->
                Timer.builder("inference_request_duration")
                    .tag("model", model)
                    .tag("cloud_provider", provider)
                    .publishPercentileHistogram()
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  void firstToken(String provider, long nanos) {
    ttft.computeIfAbsent(
            provider,
            k ->
                Timer.builder("mcp_time_to_first_token")
                    .tag("cloud_provider", provider)
                    .publishPercentileHistogram()
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Spend per provider, model and key: the cost dashboard and the budget alert read it. */
  void cost(String provider, String model, String key, double usd) {
    costs
        .computeIfAbsent(
            provider + '\u0000' + model + '\u0000' + key,
            k ->
                Counter.builder("mcp_cost_usd")
                    .description("what answers cost, in US dollars")
                    .tag("provider", provider)
                    .tag("model", model)
                    .tag("key", key)
                    .register(registry))
        .increment(usd);
  }

  void overhead(long nanos) {
    if (nanos >= 0) {
      overhead.record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  void error(String type) {
    errors
        .computeIfAbsent(
            type, t -> Counter.builder("mcp_gateway_errors").tag("type", t).register(registry))
        .increment();
  }

  /** {@code mcp_rate_limited_total{key,limit}}: 429s by key id and the limit hit. */
  void rateLimited(String keyId, String limit) {
    rateLimited
        .computeIfAbsent(
            keyId + "\n" + limit,
            k ->
                Counter.builder("mcp_rate_limited")
                    .tag("key", keyId)
                    .tag("limit", limit)
                    .register(registry))
        .increment();
  }

  /** {@code mcp_response_cache_total{result}}: hit, miss, bypass, or error (store unreachable). */
  void cache(String result) {
    cacheResults
        .computeIfAbsent(
            result, r -> Counter.builder("mcp_response_cache").tag("result", r).register(registry))
        .increment();
  }

  void sessionTurn() {
    sessionTurns.increment();
  }

  @Override
  public void retried(RoutedProvider from, String reason) {
    retries
        .computeIfAbsent(
            from.name() + '\u0000' + reason,
            k ->
                Counter.builder("mcp_provider_retries")
                    .tag("provider", from.name())
                    .tag("reason", reason)
                    .register(registry))
        .increment();
  }

  @Override
  public void failedOver(RoutedProvider from, RoutedProvider to, String reason) {
    failovers
        .computeIfAbsent(
            from.name() + '\u0000' + to.name(),
            k ->
                Counter.builder("mcp_provider_failovers")
                    .tag("from", from.name())
                    .tag("to", to.name())
                    .register(registry))
        .increment();
  }

  String scrape() {
    return registry.scrape();
  }
}
