package io.mcpai.app;

import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Gives every exchange an {@code x-request-id}: the caller's when it sent a sane one, else a new
 * one. It is echoed on the response so a user can quote it, and put in the log context.
 */
@Component
class RequestIds implements WebFilter {
  static final String HEADER = "x-request-id";
  static final String ATTRIBUTE = RequestIds.class.getName();

  // A caller-supplied id lands in our logs and headers: accept only short, printable tokens.
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    String given = exchange.getRequest().getHeaders().getFirst(HEADER);
    String id =
        given != null && SAFE.matcher(given).matches() ? given : UUID.randomUUID().toString();
    exchange.getAttributes().put(ATTRIBUTE, id);
    exchange.getResponse().getHeaders().set(HEADER, id);
    MDC.put("requestId", id);
    return chain.filter(exchange).doFinally(s -> MDC.remove("requestId"));
  }

  static String of(ServerWebExchange exchange) {
    Object id = exchange.getAttribute(ATTRIBUTE);
    return id == null ? "" : id.toString();
  }
}
