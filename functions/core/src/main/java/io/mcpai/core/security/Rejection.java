package io.mcpai.core.security;

/**
 * A request refused before it reaches a provider: unauthenticated (401), not allowed (403), rate
 * limited (429) or shed under overload (503). The web layer renders it in the API's error shape and
 * sends {@code Retry-After} when {@link #retryAfterSeconds()} is positive. The message is written
 * for the caller and never contains the presented credential.
 */
public final class Rejection extends RuntimeException {
  public static final String UNAUTHENTICATED = "invalid_api_key";
  public static final String FORBIDDEN = "permission_denied";
  public static final String RATE_LIMITED = "rate_limit_exceeded";
  public static final String OVERLOADED = "overloaded";

  private final int status;
  private final String type;
  private final String param;
  private final long retryAfterSeconds;

  public Rejection(int status, String type, String message, String param, long retryAfterSeconds) {
    super(message, null, false, false); // no stack trace: this is an answer, not a failure
    this.status = status;
    this.type = type;
    this.param = param;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public static Rejection unauthenticated(String message) {
    return new Rejection(401, UNAUTHENTICATED, message, null, 0);
  }

  public static Rejection forbidden(String param, String message) {
    return new Rejection(403, FORBIDDEN, message, param, 0);
  }

  public static Rejection rateLimited(String message, long retryAfterSeconds) {
    return new Rejection(429, RATE_LIMITED, message, null, Math.max(1, retryAfterSeconds));
  }

  public static Rejection overloaded(String message, long retryAfterSeconds) {
    return new Rejection(503, OVERLOADED, message, null, Math.max(1, retryAfterSeconds));
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  /** The request field at fault (e.g. {@code model} for a 403), or null. */
  public String param() {
    return param;
  }

  /** Seconds to wait before retrying; 0 when retrying cannot help. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
