package io.mcpai.core.security;

import java.util.Set;

/**
 * A configured API key: its public id, tenant, the SHA-256 of the secret (the secret itself is
 * never kept), what it may use and its limits.
 *
 * @param id public name of the key, used in logs, metrics and rate-limit buckets
 * @param tenant who the key belongs to; sessions and the request log are scoped by it
 * @param sha256 SHA-256 of the secret, 32 bytes
 * @param models models the key may call; empty means all
 * @param providers providers the key may pin with {@code provider}; empty means all
 * @param limits requests and tokens per minute; zeros take the gateway's defaults
 */
public record ApiKey(
    String id,
    String tenant,
    byte[] sha256,
    Set<String> models,
    Set<String> providers,
    KeyLimits limits) {

  /** The key that stands for every caller when authentication is off. */
  public static final ApiKey ANONYMOUS =
      new ApiKey(
          Caller.ANONYMOUS.keyId(),
          Caller.ANONYMOUS.tenant(),
          new byte[32],
          Set.of(),
          Set.of(),
          KeyLimits.UNLIMITED);

  public ApiKey {
    if (id == null || id.isBlank() || tenant == null || tenant.isBlank()) {
      throw new IllegalArgumentException("an API key needs an id and a tenant");
    }
    if (sha256 == null || sha256.length != 32) {
      throw new IllegalArgumentException("key '" + id + "': sha256 must be 32 bytes (64 hex)");
    }
    sha256 = sha256.clone();
    models = Set.copyOf(models);
    providers = Set.copyOf(providers);
  }

  @Override
  public byte[] sha256() {
    return sha256.clone();
  }

  /** Constant-time: the time taken does not depend on where the hashes differ. */
  boolean hashEquals(byte[] candidate) {
    return java.security.MessageDigest.isEqual(sha256, candidate);
  }

  public Caller caller() {
    return new Caller(tenant, id);
  }

  public boolean allowsModel(String model) {
    return models.isEmpty() || models.contains(model);
  }

  public boolean allowsProvider(String provider) {
    return providers.isEmpty() || providers.contains(provider);
  }

  @Override
  public String toString() {
    // The hash is not the secret, but it lets an attacker test guesses offline: keep it out of
    // logs.
    return "ApiKey[id="
        + id
        + ", tenant="
        + tenant
        + ", models="
        + models
        + ", providers="
        + providers
        + ", limits="
        + limits
        + "]";
  }
}
