package io.mcpai.app;

import io.mcpai.core.security.ApiKeyStore;
import io.mcpai.core.security.Authenticator;
import io.mcpai.core.security.BucketStore;
import io.mcpai.core.security.CorsPolicy;
import io.mcpai.core.security.JwtVerifier;
import io.mcpai.core.security.LoadShedder;
import io.mcpai.core.security.RateLimiter;
import io.mcpai.core.security.Redactor;
import io.mcpai.core.security.RedisBucketStore;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;

/**
 * Who may call the gateway and how much: the authenticator (configured keys, or a generated one, or
 * off on loopback), the per-key rate limiter (in memory or Redis), the load shedder, the CORS
 * policy and the redactor. All logic is core's ({@code io.mcpai.core.security}); this class wires
 * it from {@link SecuritySettings} and logs one line saying what is in force.
 */
@Configuration(proxyBeanMethods = false)
class GatewayAccess {
  private static final Logger log = LoggerFactory.getLogger(GatewayAccess.class);

  @Bean
  SecuritySettings securitySettings(Environment env) {
    return SecuritySettings.from(env);
  }

  /** The authenticator and why it is configured the way it is (for the start-up line). */
  record Access(Authenticator authenticator, String why) {}

  @Bean
  Access access(SecuritySettings s) {
    ApiKeyStore keys = ApiKeyStore.parseList(s.apiKeys(), "MCP_API_KEYS");
    if (s.apiKeysFile() != null) {
      keys = keys.plus(ApiKeyStore.load(s.apiKeysFile()));
    }
    String source =
        keys.keys().size()
            + " key(s) from "
            + (s.apiKeysFile() != null ? "MCP_API_KEYS_FILE=" + s.apiKeysFile() : "")
            + (s.apiKeysFile() != null && s.apiKeys() != null ? " and " : "")
            + (s.apiKeys() != null ? "MCP_API_KEYS" : "");
    if (s.auth().equals("off")) {
      if (!s.loopbackOnly()) {
        throw new IllegalArgumentException(
            "MCP_AUTH=off is allowed only when bound to loopback; the gateway binds "
                + s.bindAddress()
                + " (set MCP_BIND_ADDRESS=127.0.0.1, or configure MCP_API_KEYS / MCP_API_KEYS_FILE)");
      }
      return new Access(Authenticator.off(), "off (MCP_AUTH=off, bound to loopback)");
    }
    if (s.jwt() != null) {
      SecuritySettings.Jwt j = s.jwt();
      return new Access(
          Authenticator.requiring(
              keys,
              new JwtVerifier(
                  j.issuer(), j.audience(), java.net.URI.create(j.jwksUrl()), j.tenantClaim())),
          "required, JWTs from "
              + j.issuer()
              + " (aud "
              + j.audience()
              + ", tenant claim "
              + j.tenantClaim()
              + ") and "
              + source);
    }
    if (!keys.isEmpty()) {
      return new Access(Authenticator.requiring(keys), "required, " + source);
    }
    if (s.auth().equals("auto") && s.loopbackOnly()) {
      return new Access(
          Authenticator.off(),
          "off (no keys configured and bound to loopback "
              + s.bindAddress()
              + "; only this machine can connect)");
    }
    // Reachable from the network without configured keys: never open, use a key shown once.
    String secret = ApiKeyStore.generateSecret();
    ApiKeyStore generated = ApiKeyStore.parseList("local:" + secret, "generated key");
    // Printed to the console, not the log: it is the one time the key is ever shown.
    System.out.println(
        "\n  mcp-gateway: no API keys configured and bound to "
            + s.bindAddress()
            + ", so a key was generated for this run.\n"
            + "  Send it as 'Authorization: Bearer <key>'. It is shown only here:\n\n    "
            + secret
            + "\n\n  Configure keys with MCP_API_KEYS or MCP_API_KEYS_FILE (see README, Security).\n");
    return new Access(
        Authenticator.requiring(generated),
        "required, 1 generated key (id " + generated.keys().get(0).id() + ", printed once)");
  }

  @Bean(destroyMethod = "close")
  BucketStore bucketStore(SecuritySettings s) {
    return s.redisUrl() == null ? BucketStore.inMemory() : new RedisBucketStore(s.redisUrl());
  }

  @Bean
  RateLimiter rateLimiter(BucketStore store, SecuritySettings s) {
    return new RateLimiter(store, s.defaultLimits());
  }

  @Bean
  LoadShedder loadShedder(SecuritySettings s, GatewayMetrics metrics) {
    LoadShedder shedder = new LoadShedder(s.maxInFlight(), 1);
    metrics.gauge("mcp_in_flight", shedder::inFlight);
    metrics.gauge("mcp_shed_total", shedder::shed);
    return shedder;
  }

  @Bean
  CorsPolicy corsPolicy(SecuritySettings s) {
    return CorsPolicy.parse(s.corsOrigins());
  }

  @Bean
  Redactor redactor(SecuritySettings s) {
    return new Redactor(s.logPrompts());
  }

  @Bean
  StartupLine securityStartupLine(
      SecuritySettings s, Access access, RateLimiter limiter, CorsPolicy cors, Environment env) {
    return new StartupLine(s, access, limiter, cors, env);
  }

  /** The effective security configuration in one line at start-up (no secret in it). */
  record StartupLine(
      SecuritySettings s, Access access, RateLimiter limiter, CorsPolicy cors, Environment env) {
    @EventListener
    public void ready(ApplicationReadyEvent e) {
      log.info(
          "mcp-gateway security: bind={} auth={} default_limits=[rpm={} tpm={}] (0 = unlimited)"
              + " rate_limit_store={} max_in_flight={} cors_origins={} tls={} log_prompts={}",
          s.bindAddress(),
          access.why(),
          s.defaultLimits().requestsPerMinute(),
          s.defaultLimits().tokensPerMinute(),
          limiter.store().describe(),
          s.maxInFlight() == 0 ? "unbounded" : s.maxInFlight(),
          cors.origins().isEmpty() ? List.of("(none)") : cors.origins(),
          env.getProperty("server.ssl.enabled", "false").equals("true")
              ? "on (" + env.getProperty("server.ssl.key-store") + ")"
              : "off",
          s.logPrompts());
    }
  }
}
