package io.mcpai.core.provider;

import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Why a provider call failed, and so whether another provider may be tried: connect errors,
 * timeouts, 5xx, 429 and provider-side 4xx (401, 403, 404, 408: its configuration, not the request)
 * fail over; 400, 413 and 422 are the request's fault and are answered as they are.
 */
public final class ProviderException extends RuntimeException {
  public enum Kind {
    CONNECT,
    TIMEOUT,
    STATUS,
    PROTOCOL
  }

  private final Kind kind;
  private final int status;
  private final String provider;

  public ProviderException(
      String provider, Kind kind, int status, String message, Throwable cause) {
    super(provider + ": " + message, cause);
    this.provider = provider;
    this.kind = kind;
    this.status = status;
  }

  public static ProviderException status(String provider, int status, String body) {
    String snippet = body == null ? "" : body.length() > 300 ? body.substring(0, 300) + "…" : body;
    return new ProviderException(
        provider, Kind.STATUS, status, "HTTP " + status + " " + snippet.strip(), null);
  }

  /** Classifies a transport failure (connection refused, reset, timeout). */
  public static ProviderException from(String provider, Throwable t) {
    Throwable cause = t;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause instanceof ProviderException p) {
      return p;
    }
    Kind kind;
    if (cause instanceof HttpConnectTimeoutException || cause instanceof ConnectException) {
      kind = Kind.CONNECT;
    } else if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
      kind = Kind.TIMEOUT;
    } else if (cause instanceof ClosedChannelException || cause instanceof java.io.IOException) {
      kind = Kind.CONNECT;
    } else {
      kind = Kind.PROTOCOL;
    }
    String msg = cause.getClass().getSimpleName();
    if (cause.getMessage() != null) {
      msg += ": " + cause.getMessage();
    }
    return new ProviderException(provider, kind, 0, msg, cause);
  }

  public Kind kind() {
    return kind;
  }

  /** The upstream HTTP status, or 0 when there was none. */
  public int status() {
    return status;
  }

  public String provider() {
    return provider;
  }

  /** The request itself is wrong: another provider would refuse it too. */
  public boolean requestFault() {
    return kind == Kind.STATUS && (status == 400 || status == 413 || status == 422);
  }

  /** Another provider (or a later try) may succeed. */
  public boolean retryable() {
    return !requestFault();
  }

  /** A short type for logs and metrics: {@code connect}, {@code timeout}, {@code http_503}, ... */
  public String reason() {
    return kind == Kind.STATUS ? "http_" + status : kind.name().toLowerCase(java.util.Locale.ROOT);
  }
}
