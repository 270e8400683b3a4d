package io.mcpai.core.provider;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One provider as configured: where it is, what it serves, what it costs, how long to wait.
 *
 * @param name the routing name ({@code aws}, {@code gcp}, {@code azure}, or any other)
 * @param kind the client: {@code lmi-http}, {@code openai}, {@code sagemaker}, {@code vertex},
 *     {@code azureml}
 * @param endpoint base URL (lmi-http, openai), the endpoint URL override (sagemaker, vertex), or
 *     the scoring URI (azureml); may be null for sagemaker/vertex, which then use the cloud's own
 * @param region cloud region, carried into the request log; required by sagemaker and vertex
 * @param model the model the provider serves (informational; sent as {@code model} to openai)
 * @param contextWindow the served model's window: prompts that do not fit skip this provider
 * @param costPer1kTokens what 1000 tokens (prompt plus completion) cost, for the request log
 * @param weight the routing weight when no weights file names this provider
 * @param connectTimeout how long to wait for a connection
 * @param requestTimeout per-try limit for a whole answer (or, when streaming, for the headers)
 * @param options kind-specific settings (see {@link #KNOWN_OPTIONS})
 */
public record ProviderConfig(
    String name,
    String kind,
    URI endpoint,
    String region,
    String model,
    int contextWindow,
    double costPer1kTokens,
    double weight,
    Duration connectTimeout,
    Duration requestTimeout,
    Map<String, String> options) {

  public static final String LMI_HTTP = "lmi-http";
  public static final String OPENAI = "openai";
  public static final String SAGEMAKER = "sagemaker";
  public static final String VERTEX = "vertex";
  public static final String AZUREML = "azureml";
  public static final Set<String> KINDS = Set.of(LMI_HTTP, OPENAI, SAGEMAKER, VERTEX, AZUREML);

  /**
   * {@code endpoint_name} (sagemaker), {@code project}, {@code endpoint_id} (vertex), {@code
   * deployment}, {@code auth} ({@code key} or {@code entra}), {@code api_key_env} (azureml, openai:
   * the name of the environment variable holding the key, so keys never sit in the file); prices
   * beyond {@code cost_per_1k_tokens} ({@link io.mcpai.core.cost.ProviderPricing}).
   */
  public static final Set<String> KNOWN_OPTIONS =
      Set.of(
          "endpoint_name",
          "project",
          "endpoint_id",
          "deployment",
          "auth",
          "api_key_env",
          "cost_per_1k_prompt_tokens",
          "cost_per_1k_completion_tokens",
          "instance_hour_usd",
          "instance_concurrency");

  public static final int DEFAULT_CONTEXT_WINDOW = 4096;
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);

  public ProviderConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    if (!KINDS.contains(kind)) {
      throw new IllegalArgumentException(
          "provider " + name + ": kind must be one of " + KINDS + ", got '" + kind + "'");
    }
    if (endpoint == null
        && (kind.equals(LMI_HTTP) || kind.equals(OPENAI) || kind.equals(AZUREML))) {
      throw new IllegalArgumentException("provider " + name + ": kind " + kind + " needs endpoint");
    }
    if (contextWindow < 2) {
      throw new IllegalArgumentException(
          "provider " + name + ": context_window must be at least 2, got " + contextWindow);
    }
    if (weight < 0 || Double.isNaN(weight)) {
      throw new IllegalArgumentException(
          "provider " + name + ": weight must be >= 0, got " + weight);
    }
    if (costPer1kTokens < 0) {
      throw new IllegalArgumentException(
          "provider " + name + ": cost_per_1k_tokens must be >= 0, got " + costPer1kTokens);
    }
    connectTimeout = connectTimeout == null ? DEFAULT_CONNECT_TIMEOUT : connectTimeout;
    requestTimeout = requestTimeout == null ? DEFAULT_REQUEST_TIMEOUT : requestTimeout;
    options = options == null ? Map.of() : Map.copyOf(options);
  }

  /** An LMI HTTP provider with defaults, as the {@code MCP_MODEL_SERVICE_*} variables give. */
  public static ProviderConfig lmiHttp(String name, URI endpoint, int contextWindow) {
    return new ProviderConfig(
        name, LMI_HTTP, endpoint, null, null, contextWindow, 0, 1.0, null, null, Map.of());
  }

  public String option(String key) {
    return options.get(key);
  }

  public ProviderConfig withEndpoint(URI uri) {
    return new ProviderConfig(
        name,
        kind,
        uri,
        region,
        model,
        contextWindow,
        costPer1kTokens,
        weight,
        connectTimeout,
        requestTimeout,
        options);
  }

  public ProviderConfig withWeight(double w) {
    return new ProviderConfig(
        name,
        kind,
        endpoint,
        region,
        model,
        contextWindow,
        costPer1kTokens,
        w,
        connectTimeout,
        requestTimeout,
        options);
  }

  public ProviderConfig withRequestTimeout(Duration t) {
    return new ProviderConfig(
        name,
        kind,
        endpoint,
        region,
        model,
        contextWindow,
        costPer1kTokens,
        weight,
        connectTimeout,
        t,
        options);
  }
}
