package io.mcpai.core.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The configured API keys, held as SHA-256 hashes. A presented secret is hashed and compared with
 * every key's hash in constant time (no early exit), so neither the comparison nor the position of
 * the match tells an attacker anything.
 *
 * <p>Two sources, both optional:
 *
 * <ul>
 *   <li>a keys file (YAML, or JSON which is YAML too):
 *       <pre>{@code
 * keys:
 *   - id: team-a-prod            # public name, shown in logs and metrics
 *     tenant: team-a
 *     sha256: 9f86d081...        # sha256 of the secret, 64 hex (printf %s "$KEY" | sha256sum)
 *     models: [llama-2-7b-chat]   # optional; absent = all
 *     providers: [aws]           # optional; absent = all
 *     requests_per_minute: 600   # optional; absent = the gateway's default
 *     tokens_per_minute: 200000  # optional
 * }</pre>
 *   <li>a compact list for simple cases, {@code tenant:secret} entries separated by commas, where
 *       the secret is either {@code sha256:<64 hex>} or the key itself (hashed on load).
 * </ul>
 */
public final class ApiKeyStore {
  /** Prefix of generated keys, so they are recognisable in secret scanners. */
  public static final String PREFIX = "mcp-";

  private final List<ApiKey> keys;

  public ApiKeyStore(List<ApiKey> keys) {
    this.keys = List.copyOf(keys);
    Set<String> ids = new HashSet<>();
    for (ApiKey k : keys) {
      if (!ids.add(k.id())) {
        throw new IllegalArgumentException("API key id '" + k.id() + "' is configured twice");
      }
    }
  }

  public List<ApiKey> keys() {
    return keys;
  }

  public boolean isEmpty() {
    return keys.isEmpty();
  }

  /** The key whose secret this is, or null. Constant time in the secret; linear in the keys. */
  public ApiKey find(String presented) {
    if (presented == null || presented.isEmpty()) {
      return null;
    }
    byte[] hash = sha256(presented);
    ApiKey found = null;
    for (ApiKey k : keys) {
      if (k.hashEquals(hash) & found == null) { // non-short-circuit: every key is compared
        found = k;
      }
    }
    return found;
  }

  public ApiKeyStore plus(ApiKeyStore other) {
    List<ApiKey> all = new ArrayList<>(keys);
    all.addAll(other.keys);
    return new ApiKeyStore(all);
  }

  // ---- loading ----

  /** Parses the compact form {@code tenant:secret,tenant:sha256:<hex>}; null or blank is empty. */
  public static ApiKeyStore parseList(String value, String setting) {
    List<ApiKey> keys = new ArrayList<>();
    if (value == null || value.isBlank()) {
      return new ApiKeyStore(keys);
    }
    String[] entries = value.split(",");
    for (int i = 0; i < entries.length; i++) {
      String e = entries[i].trim();
      int colon = e.indexOf(':');
      if (colon <= 0 || colon == e.length() - 1) {
        // Never echo the entry: it may be a secret.
        throw new IllegalArgumentException(
            setting + ": entry " + (i + 1) + " must be tenant:key or tenant:sha256:<64 hex>");
      }
      String tenant = e.substring(0, colon);
      String secret = e.substring(colon + 1);
      byte[] hash =
          secret.startsWith("sha256:")
              ? hex(secret.substring(7), setting + " entry " + (i + 1))
              : sha256(secret);
      keys.add(
          new ApiKey(idFor(tenant, hash), tenant, hash, Set.of(), Set.of(), KeyLimits.UNLIMITED));
    }
    return new ApiKeyStore(keys);
  }

  /** Reads a keys file (YAML or JSON), as documented on the class. */
  public static ApiKeyStore load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read API keys file " + file + ": " + e, e);
    }
    return parseFile(text, file.toString());
  }

  static ApiKeyStore parseFile(String text, String source) {
    Object root;
    try {
      root = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(source + ": not valid YAML/JSON: " + e.getMessage(), e);
    }
    if (!(root instanceof Map<?, ?> top) || !(top.get("keys") instanceof List<?> list)) {
      throw new IllegalArgumentException(source + ": expected a top-level 'keys' list");
    }
    List<ApiKey> keys = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String at = source + ": keys[" + i + "]";
      if (!(list.get(i) instanceof Map<?, ?> m)) {
        throw new IllegalArgumentException(at + " must be a mapping");
      }
      for (Object field : m.keySet()) {
        if (!FIELDS.contains(String.valueOf(field))) {
          throw new IllegalArgumentException(
              at + ": unknown field '" + field + "'; known: " + FIELDS);
        }
      }
      if (m.containsKey("key") || m.containsKey("secret")) {
        throw new IllegalArgumentException(at + ": store the sha256 of the key, not the key");
      }
      String tenant = text(m, "tenant", at);
      byte[] hash = hex(text(m, "sha256", at), at + ".sha256");
      String id = m.get("id") == null ? idFor(tenant, hash) : text(m, "id", at);
      keys.add(
          new ApiKey(
              id,
              tenant,
              hash,
              strings(m.get("models"), at + ".models"),
              strings(m.get("providers"), at + ".providers"),
              new KeyLimits(
                  count(m.get("requests_per_minute"), at + ".requests_per_minute"),
                  count(m.get("tokens_per_minute"), at + ".tokens_per_minute"))));
    }
    return new ApiKeyStore(keys);
  }

  private static final Set<String> FIELDS =
      Set.of(
          "id",
          "tenant",
          "sha256",
          "models",
          "providers",
          "requests_per_minute",
          "tokens_per_minute",
          "key",
          "secret");

  private static String text(Map<?, ?> m, String field, String at) {
    Object v = m.get(field);
    if (!(v instanceof String s) || s.isBlank()) {
      throw new IllegalArgumentException(at + "." + field + " is required (a string)");
    }
    return s.trim();
  }

  private static Set<String> strings(Object v, String at) {
    if (v == null) {
      return Set.of();
    }
    if (!(v instanceof List<?> list)) {
      throw new IllegalArgumentException(at + " must be a list of names");
    }
    Set<String> out = new HashSet<>();
    for (Object o : list) {
      out.add(String.valueOf(o));
    }
    return out;
  }

  private static long count(Object v, String at) {
    if (v == null) {
      return 0;
    }
    if (!(v instanceof Number n) || n.longValue() < 0) {
      throw new IllegalArgumentException(at + " must be a whole number >= 0");
    }
    return n.longValue();
  }

  private static byte[] hex(String s, String at) {
    try {
      byte[] b = HexFormat.of().parseHex(s.trim().toLowerCase(java.util.Locale.ROOT));
      if (b.length == 32) {
        return b;
      }
    } catch (IllegalArgumentException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException(at + ": sha256 must be 64 hex characters");
  }

  /** A stable public id when none is configured: tenant plus the first hash bytes. */
  static String idFor(String tenant, byte[] hash) {
    return tenant + "-" + HexFormat.of().formatHex(hash, 0, 4);
  }

  // ---- secrets ----

  public static byte[] sha256(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK always has SHA-256", e);
    }
  }

  public static String sha256Hex(String secret) {
    return HexFormat.of().formatHex(sha256(secret));
  }

  /** A new random key: {@code mcp-} plus 32 random bytes, base64url (256 bits). */
  public static String generateSecret() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
