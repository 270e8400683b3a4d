package io.mcpai.core.provider;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Where the providers come from: the YAML file named by {@code MCP_PROVIDERS_FILE}, else the seed's
 * {@code MCP_MODEL_SERVICE_AWS}, {@code _GCP}, {@code _AZURE} (plain LMI HTTP URLs), else nothing
 * (the caller then starts its embedded default).
 *
 * <pre>{@code
 * providers:
 *   aws:
 *     kind: sagemaker            # lmi-http | openai | sagemaker | vertex | azureml
 *     region: us-east-1
 *     endpoint_name: llama-2-7b-chat
 *     endpoint: http://127.0.0.1:9000   # optional override of the cloud's URL
 *     model: llama-2-7b-chat
 *     context_window: 4096
 *     cost_per_1k_tokens: 0.0015
 *     weight: 1.0
 *     connect_timeout_ms: 2000
 *     request_timeout_ms: 60000
 * }</pre>
 */
public final class ProviderSettings {
  public static final String FILE_ENV = "MCP_PROVIDERS_FILE";
  public static final Map<String, String> SERVICE_ENV =
      mapOf(
          "aws", "MCP_MODEL_SERVICE_AWS",
          "gcp", "MCP_MODEL_SERVICE_GCP",
          "azure", "MCP_MODEL_SERVICE_AZURE");
  public static final String CONTEXT_WINDOW_ENV = "MCP_MODEL_SERVICE_CONTEXT_WINDOW";

  private static final Set<String> KEYS =
      Set.of(
          "kind",
          "endpoint",
          "region",
          "model",
          "context_window",
          "cost_per_1k_tokens",
          "weight",
          "connect_timeout_ms",
          "request_timeout_ms");

  private ProviderSettings() {}

  private static Map<String, String> mapOf(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(m);
  }

  /** The configured providers, in order; empty when none is configured. */
  public static List<ProviderConfig> fromEnvironment(Map<String, String> env) {
    String file = env.get(FILE_ENV);
    if (file != null && !file.isBlank()) {
      return fromFile(Path.of(file.trim()));
    }
    int window =
        intOr(
            env.get(CONTEXT_WINDOW_ENV), ProviderConfig.DEFAULT_CONTEXT_WINDOW, CONTEXT_WINDOW_ENV);
    List<ProviderConfig> out = new ArrayList<>();
    SERVICE_ENV.forEach(
        (name, var) -> {
          String url = env.get(var);
          if (url != null && !url.isBlank()) {
            out.add(ProviderConfig.lmiHttp(name, uri(url.trim(), var), window));
          }
        });
    return out;
  }

  public static List<ProviderConfig> fromFile(Path file) {
    try (Reader r = Files.newBufferedReader(file)) {
      Object root = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
      return fromYaml(root, file.toString());
    } catch (IOException e) {
      throw new IllegalArgumentException(FILE_ENV + ": cannot read " + file + ": " + e, e);
    }
  }

  /** Parses the YAML tree; every error names the provider and key. */
  public static List<ProviderConfig> fromYaml(Object root, String where) {
    if (!(root instanceof Map<?, ?> top) || !(top.get("providers") instanceof Map<?, ?> ps)) {
      throw new IllegalArgumentException(where + ": expected a top-level 'providers:' mapping");
    }
    List<ProviderConfig> out = new ArrayList<>();
    for (Map.Entry<?, ?> e : ps.entrySet()) {
      String name = String.valueOf(e.getKey());
      if (!(e.getValue() instanceof Map<?, ?> raw)) {
        throw new IllegalArgumentException(where + ": providers." + name + " must be a mapping");
      }
      Map<String, String> options = new HashMap<>();
      Map<String, Object> v = new HashMap<>();
      for (Map.Entry<?, ?> kv : raw.entrySet()) {
        String key = String.valueOf(kv.getKey());
        if (KEYS.contains(key)) {
          v.put(key, kv.getValue());
        } else if (ProviderConfig.KNOWN_OPTIONS.contains(key)) {
          options.put(key, String.valueOf(kv.getValue()));
        } else {
          throw new IllegalArgumentException(
              where
                  + ": providers."
                  + name
                  + "."
                  + key
                  + " is not a known setting; known: "
                  + new java.util.TreeSet<>(union()));
        }
      }
      String p = where + ": providers." + name + ".";
      Object endpoint = v.get("endpoint");
      try {
        out.add(
            new ProviderConfig(
                name,
                String.valueOf(v.getOrDefault("kind", ProviderConfig.LMI_HTTP)),
                endpoint == null ? null : uri(String.valueOf(endpoint), p + "endpoint"),
                str(v.get("region")),
                str(v.get("model")),
                (int) num(v, "context_window", ProviderConfig.DEFAULT_CONTEXT_WINDOW, p),
                num(v, "cost_per_1k_tokens", 0, p),
                num(v, "weight", 1.0, p),
                ms(v, "connect_timeout_ms", p),
                ms(v, "request_timeout_ms", p),
                options));
      } catch (IllegalArgumentException ex) {
        throw new IllegalArgumentException(where + ": " + ex.getMessage(), ex);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(where + ": 'providers:' lists no provider");
    }
    return out;
  }

  private static Set<String> union() {
    Set<String> all = new java.util.HashSet<>(KEYS);
    all.addAll(ProviderConfig.KNOWN_OPTIONS);
    return all;
  }

  private static String str(Object o) {
    return o == null ? null : String.valueOf(o);
  }

  private static double num(Map<String, Object> v, String key, double dflt, String p) {
    Object o = v.get(key);
    if (o == null) {
      return dflt;
    }
    if (o instanceof Number n) {
      return n.doubleValue();
    }
    try {
      return Double.parseDouble(String.valueOf(o));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(p + key + " must be a number, got '" + o + "'");
    }
  }

  private static Duration ms(Map<String, Object> v, String key, String p) {
    return v.containsKey(key) ? Duration.ofMillis((long) num(v, key, 0, p)) : null;
  }

  static int intOr(String s, int dflt, String name) {
    if (s == null || s.isBlank()) {
      return dflt;
    }
    try {
      return Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, got '" + s + "'");
    }
  }

  private static URI uri(String s, String where) {
    try {
      URI u = URI.create(s);
      if (u.getScheme() == null || u.getHost() == null) {
        throw new IllegalArgumentException("no scheme or host");
      }
      return u;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          where + " must be an absolute http(s) URL, got '" + s + "'", e);
    }
  }
}
