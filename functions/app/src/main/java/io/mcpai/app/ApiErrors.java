package io.mcpai.app;

import io.mcpai.core.protocol.Problem;
import io.mcpai.core.protocol.ProtocolException;
import io.mcpai.core.provider.ProviderException;
import io.mcpai.core.routing.NoProviderException;
import io.mcpai.core.security.Redactor;
import io.mcpai.core.security.Rejection;
import io.mcpai.core.session.StoreUnavailableException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * Turns any failure into the conventions' error shape {@code {"error":{type,message,param}}} with
 * the right status. Unexpected failures are logged with the request id and answered with a generic
 * 500 that names that id: no stack trace or internal detail reaches the caller.
 */
@Component
@Order(-2) // before Spring Boot's own error handler, which would answer in its own shape
class ApiErrors implements WebExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

  @Override
  public Mono<Void> handle(ServerWebExchange exchange, Throwable failure) {
    ProtocolException error = classify(failure, exchange);
    ServerHttpResponse response = exchange.getResponse();
    if (response.isCommitted()) {
      return Mono.error(failure);
    }
    response.setRawStatusCode(error.status());
    // A stream that failed before its first token still answers JSON, not an event stream.
    response.getHeaders().remove("cache-control");
    response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
    NoProviderException none = find(failure, NoProviderException.class);
    if (none != null) {
      response.getHeaders().set("Retry-After", Integer.toString(none.retryAfterSeconds()));
    }
    StoreUnavailableException store = find(failure, StoreUnavailableException.class);
    if (store != null) {
      response.getHeaders().set("Retry-After", Integer.toString(store.retryAfterSeconds()));
    }
    Rejection refused = find(failure, Rejection.class);
    if (refused != null && refused.retryAfterSeconds() > 0) {
      response.getHeaders().set("Retry-After", Long.toString(refused.retryAfterSeconds()));
    }
    if (error.status() == 401) {
      response.getHeaders().set("WWW-Authenticate", "Bearer");
    }
    String path = exchange.getRequest().getPath().value();
    String json =
        path.startsWith("/v1/chat/") || path.startsWith("/v1/models")
            ? OpenAiChat.errorJson(
                error.status(), error.type(), error.getMessage(), error.problems().get(0).param())
            : error.toJson();
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
  }

  private static <T extends Throwable> T find(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }

  ProtocolException classify(Throwable failure, ServerWebExchange exchange) {
    Throwable cause = unwrap(failure);
    if (cause instanceof ProtocolException protocol) {
      return protocol;
    }
    Rejection refused = find(failure, Rejection.class);
    if (refused != null) {
      return new ProtocolException(
          refused.status(),
          refused.type(),
          List.of(new Problem(refused.param(), refused.getMessage(), null, refused.status())));
    }
    NoProviderException none = find(failure, NoProviderException.class);
    if (none != null) {
      log.warn("503 for {}: {}", RequestIds.of(exchange), none.getMessage());
      return new ProtocolException(
          503, "no_provider_available", List.of(new Problem(null, none.getMessage(), null, 503)));
    }
    StoreUnavailableException store = find(failure, StoreUnavailableException.class);
    if (store != null) {
      return new ProtocolException(
          503,
          "session_store_unavailable",
          List.of(new Problem("session_id", store.getMessage(), null, 503)));
    }
    ProviderException upstream = find(failure, ProviderException.class);
    if (upstream != null && upstream.requestFault()) {
      // The provider refused the request itself (e.g. its own limits): answered as such.
      return new ProtocolException(
          upstream.status(),
          "provider_rejected_request",
          List.of(
              new Problem(null, Redactor.scrub(upstream.getMessage()), null, upstream.status())));
    }
    if (upstream != null) {
      return new ProtocolException(
          502,
          "provider_error",
          List.of(new Problem(null, Redactor.scrub(upstream.getMessage()), null, 502)));
    }
    if (cause instanceof DataBufferLimitException) {
      return new ProtocolException(
          413,
          ProtocolException.TOO_LARGE,
          List.of(
              Problem.tooLarge(null, "request body is larger than the configured limit", null)));
    }
    if (cause instanceof ResponseStatusException status
        && status.getStatusCode().is4xxClientError()) {
      int code = status.getStatusCode().value();
      String message =
          code == 404 || code == 405
              ? "no route for "
                  + exchange.getRequest().getMethod()
                  + " "
                  + exchange.getRequest().getPath()
              : status.getReason() == null ? "bad request" : status.getReason();
      String type =
          switch (code) {
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 415 -> "unsupported_media_type";
            default -> ProtocolException.MALFORMED;
          };
      return new ProtocolException(code, type, List.of(new Problem(null, message, null, code)));
    }
    String id = RequestIds.of(exchange);
    log.error(
        "unexpected failure serving {} {}",
        exchange.getRequest().getMethod(),
        exchange.getRequest().getPath(),
        failure);
    return new ProtocolException(
        HttpStatus.INTERNAL_SERVER_ERROR.value(),
        "internal_error",
        List.of(
            new Problem(
                null, "internal error; quote request id " + id + " when reporting it", null, 500)));
  }

  private static Throwable unwrap(Throwable t) {
    Throwable cur = t;
    // The function catalog and Reactor wrap what the function threw; the cause is what we answer.
    while (!(cur instanceof ProtocolException) && cur.getCause() != null && cur.getCause() != cur) {
      cur = cur.getCause();
    }
    return cur instanceof ProtocolException || cur instanceof DataBufferLimitException ? cur : t;
  }
}
