package io.mcpai.app;

import io.mcpai.core.config.EnvSettings;
import io.mcpai.core.context.ContextFormatter;
import io.mcpai.core.session.ConversationStore;
import io.mcpai.core.session.InMemoryConversationStore;
import io.mcpai.core.session.InMemoryResponseCache;
import io.mcpai.core.session.RedisConnection;
import io.mcpai.core.session.RedisConversationStore;
import io.mcpai.core.session.RedisResponseCache;
import io.mcpai.core.session.ResponseCache;
import io.mcpai.core.session.SessionFormatter;
import io.mcpai.core.session.SessionLimits;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The session store and the response cache: in this process by default, in Redis when {@code
 * MCP_REDIS_URL} is set (then shared by every gateway instance). The gateway starts whether or not
 * Redis is up; see {@link RedisConnection}.
 */
@Configuration(proxyBeanMethods = false)
class SessionWiring {
  private static final Logger log = LoggerFactory.getLogger(SessionWiring.class);

  /** Every {@code MCP_} setting of sessions and caching, with its default (the README's table). */
  record Settings(
      String redisUrl,
      Duration redisTimeout,
      Duration redisConnectTimeout,
      SessionLimits limits,
      long sessionMemoryBytes,
      boolean cache,
      Duration cacheTtl,
      long cacheMemoryBytes) {

    static final String[] NAMES = {
      "MCP_REDIS_URL",
      "MCP_REDIS_TIMEOUT_MS",
      "MCP_REDIS_CONNECT_TIMEOUT_MS",
      "MCP_SESSION_TTL_S",
      "MCP_SESSION_MAX_TURNS",
      "MCP_SESSION_MAX_BYTES",
      "MCP_SESSION_MEMORY_BYTES",
      "MCP_RESPONSE_CACHE",
      "MCP_RESPONSE_CACHE_TTL_S",
      "MCP_RESPONSE_CACHE_MEMORY_BYTES"
    };

    static Settings from(Environment spring) {
      Map<String, String> env = GatewaySettings.environment(spring, NAMES);
      String url = env.get("MCP_REDIS_URL");
      int maxTurns = EnvSettings.integer(env, "MCP_SESSION_MAX_TURNS", 200);
      if (maxTurns > 1000) {
        // The protocol accepts at most 2,000 history messages; a session is replayed as one.
        throw new IllegalArgumentException("MCP_SESSION_MAX_TURNS must be at most 1000");
      }
      String cache = env.getOrDefault("MCP_RESPONSE_CACHE", "on").toLowerCase(Locale.ROOT);
      if (!cache.equals("on") && !cache.equals("off")) {
        throw new IllegalArgumentException("MCP_RESPONSE_CACHE must be on or off, got " + cache);
      }
      return new Settings(
          url == null || url.isBlank() ? null : url,
          Duration.ofMillis(EnvSettings.integer(env, "MCP_REDIS_TIMEOUT_MS", 500)),
          Duration.ofMillis(EnvSettings.integer(env, "MCP_REDIS_CONNECT_TIMEOUT_MS", 1000)),
          new SessionLimits(
              Duration.ofSeconds(EnvSettings.integer(env, "MCP_SESSION_TTL_S", 86400)),
              maxTurns,
              EnvSettings.integer(env, "MCP_SESSION_MAX_BYTES", 1 << 20)),
          (long) EnvSettings.number(env, "MCP_SESSION_MEMORY_BYTES", 64 << 20),
          cache.equals("on"),
          Duration.ofSeconds(EnvSettings.integer(env, "MCP_RESPONSE_CACHE_TTL_S", 3600)),
          (long) EnvSettings.number(env, "MCP_RESPONSE_CACHE_MEMORY_BYTES", 32 << 20));
    }
  }

  /** The backends, and the Redis connection they share when there is one. */
  record Stores(RedisConnection redis, ConversationStore store, ResponseCache cache)
      implements AutoCloseable {
    SessionFormatter sessions(ContextFormatter formatter) {
      return new SessionFormatter(formatter, store);
    }

    @Override
    public void close() {
      if (redis != null) {
        redis.close();
      }
    }
  }

  @Bean(destroyMethod = "close")
  Stores sessionStores(Environment env) {
    Settings s = Settings.from(env);
    Stores stores;
    if (s.redisUrl() == null) {
      stores =
          new Stores(
              null,
              new InMemoryConversationStore(s.limits(), s.sessionMemoryBytes()),
              s.cache()
                  ? new InMemoryResponseCache(s.cacheMemoryBytes(), s.cacheTtl().toMillis())
                  : null);
    } else {
      RedisConnection redis =
          new RedisConnection(s.redisUrl(), s.redisTimeout(), s.redisConnectTimeout());
      stores =
          new Stores(
              redis,
              new RedisConversationStore(redis, s.limits()),
              s.cache() ? new RedisResponseCache(redis, s.cacheTtl().toMillis()) : null);
    }
    log.info(
        "sessions: store={} ttl={} max_turns={} max_bytes={} response_cache={}",
        stores.redis() == null ? "memory" : "redis " + stores.redis().url(),
        s.limits().ttl(),
        s.limits().maxTurns(),
        s.limits().maxBytes(),
        s.cache() ? "on, ttl " + s.cacheTtl() : "off");
    return stores;
  }
}
