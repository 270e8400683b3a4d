package io.mcpai.core.security;

/**
 * Who sent a request, as authentication established it; sessions, caches, rate limits and the
 * request log are scoped by it. The web layer keeps it on the exchange under {@link #ATTRIBUTE}.
 *
 * @param tenant the tenant the key belongs to ({@code local} when authentication is off)
 * @param keyId the key's public id (never the key itself), or {@code anonymous}
 */
public record Caller(String tenant, String keyId) {
  /** The request attribute (WebFlux exchange attribute) that holds the caller. */
  public static final String ATTRIBUTE = "io.mcpai.caller";

  /** The caller when authentication is off (loopback-only local runs). */
  public static final Caller ANONYMOUS = new Caller("local", "anonymous");

  /** A stable scope string for keys in stores: {@code tenant/keyId}. */
  public String scope() {
    return tenant + "/" + keyId;
  }
}
