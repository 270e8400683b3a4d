package io.mcpai.core.session;

import io.lettuce.core.ScriptOutputType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Conversations in Redis, shared by every gateway instance. A session is two keys in one hash slot
 * (Redis Cluster keeps them together): a hash {@code meta} (version, system prompt, stored bytes,
 * update time) and a list {@code turns} of JSON turns. Appends are one Lua script, atomic on the
 * server: it compares the version (optimistic concurrency: of two appends at one version exactly
 * one applies), pushes the turn, drops the oldest turns beyond the caps, bumps the version and
 * refreshes the TTL. A turn is written once and never rewritten, so an append costs the new turn's
 * bytes whatever the conversation's length.
 */
public final class RedisConversationStore implements ConversationStore {
  private static final String PREFIX = "mcp:session:{";

  // KEYS: meta, turns. ARGV: expected version, has system (0/1), system, turn json, max turns,
  // max bytes, ttl ms, now ms. Returns {applied 0/1, version}.
  private static final String APPEND =
      """
      local v = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
      if v ~= tonumber(ARGV[1]) then return {0, v} end
      redis.call('RPUSH', KEYS[2], ARGV[4])
      local bytes = tonumber(redis.call('HGET', KEYS[1], 'bytes') or '0') + #ARGV[4]
      local n = redis.call('LLEN', KEYS[2])
      while n > 1 and (n > tonumber(ARGV[5]) or bytes > tonumber(ARGV[6])) do
        bytes = bytes - #redis.call('LPOP', KEYS[2])
        n = n - 1
      end
      v = v + 1
      redis.call('HSET', KEYS[1], 'version', v, 'bytes', bytes, 'updated', ARGV[8])
      if ARGV[2] == '1' then redis.call('HSET', KEYS[1], 'system', ARGV[3]) end
      redis.call('PEXPIRE', KEYS[1], ARGV[7])
      redis.call('PEXPIRE', KEYS[2], ARGV[7])
      return {1, v}
      """;

  // One consistent read of both keys.
  private static final String LOAD =
      """
      return {redis.call('HGETALL', KEYS[1]), redis.call('LRANGE', KEYS[2], 0, -1)}
      """;

  private final RedisConnection redis;
  private final SessionLimits limits;

  public RedisConversationStore(RedisConnection redis, SessionLimits limits) {
    this.redis = redis;
    this.limits = limits;
  }

  static String[] keys(SessionKey key) {
    String base = PREFIX + key.storeKey() + "}";
    return new String[] {base + ":meta", base + ":turns"};
  }

  @Override
  public CompletableFuture<Session> load(SessionKey key) {
    return redis
        .<List<Object>>run(c -> c.eval(LOAD, ScriptOutputType.MULTI, keys(key)))
        .thenApply(r -> decode(key, r));
  }

  @SuppressWarnings("unchecked")
  private static Session decode(SessionKey key, List<Object> reply) {
    List<Object> meta = (List<Object>) reply.get(0);
    List<Object> turns = (List<Object>) reply.get(1);
    if (meta.isEmpty()) {
      return Session.empty(key);
    }
    String system = null;
    long version = 0;
    long updated = 0;
    for (int i = 0; i + 1 < meta.size(); i += 2) {
      String v = (String) meta.get(i + 1);
      switch ((String) meta.get(i)) {
        case "version" -> version = Long.parseLong(v);
        case "system" -> system = v;
        case "updated" -> updated = Long.parseLong(v);
        default -> {}
      }
    }
    List<Turn> out = new ArrayList<>(turns.size());
    for (Object t : turns) {
      out.add(StoreJson.read((String) t, Turn.class));
    }
    return new Session(key, system, out, version, updated);
  }

  @Override
  public CompletableFuture<Appended> append(
      SessionKey key, long expectedVersion, String system, Turn turn) {
    String json = StoreJson.write(turn);
    String[] args = {
      Long.toString(expectedVersion),
      system == null ? "0" : "1",
      system == null ? "" : system,
      json,
      Integer.toString(limits.maxTurns()),
      Long.toString(limits.maxBytes()),
      Long.toString(limits.ttl().toMillis()),
      Long.toString(System.currentTimeMillis())
    };
    return redis
        .<List<Long>>run(c -> c.eval(APPEND, ScriptOutputType.MULTI, keys(key), args))
        .thenApply(r -> new Appended(r.get(0) == 1L, r.get(1)));
  }

  @Override
  public CompletableFuture<Boolean> delete(SessionKey key) {
    return redis.run(c -> c.del(keys(key))).thenApply(n -> n > 0);
  }

  @Override
  public String backend() {
    return "redis";
  }
}
