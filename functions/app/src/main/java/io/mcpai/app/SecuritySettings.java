package io.mcpai.app;

import io.mcpai.core.config.EnvSettings;
import io.mcpai.core.security.KeyLimits;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.core.env.Environment;

/**
 * The security and overload settings (every one is in the README's settings table). Read like
 * {@link GatewaySettings}: environment variable, system property or test property alike.
 *
 * @param auth {@code auto} (default): keys when configured, off when bound to loopback, else a
 *     generated key; {@code required}: keys (configured or generated); {@code off}: loopback only
 * @param bindAddress the address the web server binds ({@code server.address})
 */
record SecuritySettings(
    String auth,
    String apiKeys,
    Path apiKeysFile,
    KeyLimits defaultLimits,
    String redisUrl,
    int maxInFlight,
    String corsOrigins,
    boolean logPrompts,
    String bindAddress,
    Jwt jwt) {

  /** Optional OIDC JWTs: all three of issuer, audience and JWKS URL, or none. */
  record Jwt(String issuer, String audience, String jwksUrl, String tenantClaim) {}

  static final String[] NAMES = {
    "MCP_AUTH",
    "MCP_API_KEYS",
    "MCP_API_KEYS_FILE",
    "MCP_RATE_LIMIT_RPM",
    "MCP_RATE_LIMIT_TPM",
    "MCP_REDIS_URL",
    "MCP_MAX_IN_FLIGHT",
    "MCP_CORS_ORIGINS",
    "MCP_LOG_PROMPTS",
    "MCP_JWT_ISSUER",
    "MCP_JWT_AUDIENCE",
    "MCP_JWT_JWKS_URL",
    "MCP_JWT_TENANT_CLAIM",
  };

  static SecuritySettings from(Environment spring) {
    Map<String, String> env = new HashMap<>();
    for (String name : NAMES) {
      String v = spring.getProperty(name);
      if (v != null) {
        env.put(name, v);
      }
    }
    String auth = env.getOrDefault("MCP_AUTH", "auto").trim().toLowerCase(Locale.ROOT);
    if (!auth.equals("auto") && !auth.equals("required") && !auth.equals("off")) {
      throw new IllegalArgumentException(
          "MCP_AUTH must be auto, required or off, got '" + env.get("MCP_AUTH") + "'");
    }
    String file = env.get("MCP_API_KEYS_FILE");
    String redis = env.get("MCP_REDIS_URL");
    return new SecuritySettings(
        auth,
        env.get("MCP_API_KEYS"),
        file == null || file.isBlank() ? null : Path.of(file),
        new KeyLimits(
            EnvSettings.integer(env, "MCP_RATE_LIMIT_RPM", 0),
            EnvSettings.integer(env, "MCP_RATE_LIMIT_TPM", 0)),
        redis == null || redis.isBlank() ? null : redis.trim(),
        EnvSettings.integer(env, "MCP_MAX_IN_FLIGHT", 256),
        env.getOrDefault("MCP_CORS_ORIGINS", ""),
        Boolean.parseBoolean(env.getOrDefault("MCP_LOG_PROMPTS", "false").trim()),
        bindAddress(spring),
        jwt(env));
  }

  /**
   * The address that decides whether auth may be off. A cloud function binds no socket of its own
   * and is reached through its platform's URL, so inside one (detected by the variables each
   * platform sets) it never counts as loopback, whatever {@code server.address} says: without keys
   * it fails closed.
   */
  static String bindAddress(Environment spring) {
    for (String platformVariable :
        new String[] {
          "AWS_LAMBDA_FUNCTION_NAME", "K_SERVICE", "FUNCTION_TARGET", "FUNCTIONS_WORKER_RUNTIME"
        }) {
      String v = spring.getProperty(platformVariable);
      if (v != null && !v.isBlank()) {
        return "0.0.0.0";
      }
    }
    return spring.getProperty("server.address", "0.0.0.0");
  }

  private static Jwt jwt(Map<String, String> env) {
    String issuer = env.get("MCP_JWT_ISSUER");
    if (issuer == null || issuer.isBlank()) {
      return null;
    }
    String audience = env.get("MCP_JWT_AUDIENCE");
    String jwks = env.get("MCP_JWT_JWKS_URL");
    if (audience == null || audience.isBlank() || jwks == null || jwks.isBlank()) {
      throw new IllegalArgumentException(
          "MCP_JWT_ISSUER needs MCP_JWT_AUDIENCE and MCP_JWT_JWKS_URL as well");
    }
    return new Jwt(
        issuer.trim(),
        audience.trim(),
        jwks.trim(),
        env.getOrDefault("MCP_JWT_TENANT_CLAIM", "tenant").trim());
  }

  /** True when only this machine can connect: authentication may then be off. */
  boolean loopbackOnly() {
    try {
      return InetAddress.getByName(bindAddress).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
