package io.mcpai.core.security;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which browser origins may call the API. None by default: a browser page on another origin gets no
 * CORS headers and the browser refuses to hand it our answers. Origins are matched exactly (scheme,
 * host and port, as browsers send them); {@code *} allows any origin and is meant for development
 * only, since the API is authenticated by header and not by cookie, {@code *} never comes with
 * credentials.
 */
public final class CorsPolicy {
  public static final Set<String> METHODS = Set.of("GET", "POST", "OPTIONS");
  public static final Set<String> REQUEST_HEADERS =
      Set.of("authorization", "content-type", "x-api-key", "x-request-id");
  static final String EXPOSED =
      "x-request-id, x-mcp-provider, retry-after, x-ratelimit-limit-requests,"
          + " x-ratelimit-remaining-requests, x-ratelimit-reset-requests,"
          + " x-ratelimit-limit-tokens, x-ratelimit-remaining-tokens, x-ratelimit-reset-tokens";

  private final Set<String> origins;
  private final boolean any;

  public CorsPolicy(Set<String> origins) {
    this.any = origins.contains("*");
    this.origins =
        origins.stream()
            .map(o -> stripSlash(o.trim()).toLowerCase(Locale.ROOT))
            .filter(o -> !o.isEmpty())
            .collect(Collectors.toUnmodifiableSet());
  }

  /** From a comma-separated list such as {@code MCP_CORS_ORIGINS}; blank means none. */
  public static CorsPolicy parse(String list) {
    if (list == null || list.isBlank()) {
      return new CorsPolicy(Set.of());
    }
    return new CorsPolicy(Set.of(list.split("\\s*,\\s*")));
  }

  public Set<String> origins() {
    return origins;
  }

  public boolean allows(String origin) {
    return origin != null
        && (any || origins.contains(stripSlash(origin.trim()).toLowerCase(Locale.ROOT)));
  }

  /** Headers for an actual (non-preflight) cross-origin response; empty when not allowed. */
  public Map<String, String> responseHeaders(String origin) {
    Map<String, String> h = new LinkedHashMap<>();
    if (allows(origin)) {
      h.put("Access-Control-Allow-Origin", any ? "*" : origin);
      h.put("Access-Control-Expose-Headers", EXPOSED);
      if (!any) {
        h.put("Vary", "Origin");
      }
    }
    return h;
  }

  /**
   * Headers answering a preflight ({@code OPTIONS} with {@code Access-Control-Request-Method});
   * null when the origin, method or any requested header is not allowed.
   */
  public Map<String, String> preflight(String origin, String method, String requestHeaders) {
    if (!allows(origin) || method == null || !METHODS.contains(method.toUpperCase(Locale.ROOT))) {
      return null;
    }
    if (requestHeaders != null && !requestHeaders.isBlank()) {
      for (String h : requestHeaders.split("\\s*,\\s*")) {
        if (!h.isBlank() && !REQUEST_HEADERS.contains(h.trim().toLowerCase(Locale.ROOT))) {
          return null;
        }
      }
    }
    Map<String, String> h = new LinkedHashMap<>(responseHeaders(origin));
    h.put("Access-Control-Allow-Methods", String.join(", ", METHODS.stream().sorted().toList()));
    h.put(
        "Access-Control-Allow-Headers",
        String.join(", ", REQUEST_HEADERS.stream().sorted().toList()));
    h.put("Access-Control-Max-Age", "600");
    return h;
  }

  private static String stripSlash(String o) {
    return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
  }
}
