package io.mcpai.core.security;

/**
 * Decides who a request is from (401 when it cannot say) and what that caller may use (403).
 *
 * <p>The key is read from {@code Authorization: Bearer <key>} (what OpenAI clients send) or {@code
 * x-api-key: <key>}. With authentication off every request is {@link ApiKey#ANONYMOUS}.
 */
public final class Authenticator {
  private final ApiKeyStore keys;
  private final boolean required;
  private final JwtVerifier jwt;

  private Authenticator(ApiKeyStore keys, boolean required, JwtVerifier jwt) {
    this.keys = keys;
    this.required = required;
    this.jwt = jwt;
  }

  public static Authenticator requiring(ApiKeyStore keys) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("authentication needs at least one key");
    }
    return new Authenticator(keys, true, null);
  }

  /** API keys (possibly none) and JWTs from one issuer. */
  public static Authenticator requiring(ApiKeyStore keys, JwtVerifier jwt) {
    return new Authenticator(keys, true, java.util.Objects.requireNonNull(jwt));
  }

  public static Authenticator off() {
    return new Authenticator(new ApiKeyStore(java.util.List.of()), false, null);
  }

  /** The JWT verifier, or null when only API keys are accepted. */
  public JwtVerifier jwt() {
    return jwt;
  }

  public boolean required() {
    return required;
  }

  public ApiKeyStore keys() {
    return keys;
  }

  /**
   * The key behind these headers.
   *
   * @param authorization the {@code Authorization} header, or null
   * @param apiKey the {@code x-api-key} header, or null
   * @throws Rejection 401 when no key, a malformed header or an unknown key was presented
   */
  public ApiKey authenticate(String authorization, String apiKey) {
    if (!required) {
      return ApiKey.ANONYMOUS;
    }
    String secret = null;
    if (authorization != null && !authorization.isBlank()) {
      String a = authorization.trim();
      if (a.length() > 7 && a.regionMatches(true, 0, "Bearer ", 0, 7)) {
        secret = a.substring(7).trim();
      } else {
        throw Rejection.unauthenticated(
            "the Authorization header must be 'Bearer <API key>'; other schemes are not accepted");
      }
    } else if (apiKey != null && !apiKey.isBlank()) {
      secret = apiKey.trim();
    }
    if (secret == null) {
      throw Rejection.unauthenticated(
          "an API key is required: send 'Authorization: Bearer <key>' or 'x-api-key: <key>'");
    }
    if (jwt != null && JwtVerifier.looksLikeJwt(secret)) {
      return jwt.verify(secret);
    }
    ApiKey key = keys.find(secret);
    if (key == null) {
      // Deliberately says nothing about the key presented (not even its prefix or length).
      throw Rejection.unauthenticated("the API key is not valid");
    }
    return key;
  }

  /**
   * Whether this key may call this model, pinned to this provider.
   *
   * @param provider the provider the request pins, or null when the router chooses
   * @throws Rejection 403 naming the field at fault and what the key may use
   */
  public static void authorize(ApiKey key, String model, String provider) {
    if (model != null && !key.allowsModel(model)) {
      throw Rejection.forbidden(
          "model", "this API key may not use model '" + model + "'; it may use " + key.models());
    }
    if (provider != null && !key.allowsProvider(provider)) {
      throw Rejection.forbidden(
          "provider",
          "this API key may not use provider '" + provider + "'; it may use " + key.providers());
    }
  }
}
