package io.mcpai.app;

import java.util.regex.Pattern;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
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
@Order(Ordered.HIGHEST_PRECEDENCE) // first, so that even refusals carry an id
class RequestIds implements WebFilter {
  private final GatewayMetrics metrics;

  RequestIds(GatewayMetrics metrics) {
    this.metrics = metrics;
  }

  static final String HEADER = "x-request-id";
  static final String ATTRIBUTE = RequestIds.class.getName();

  // A caller-supplied id lands in our logs and headers: accept only short, printable tokens.
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    long start = System.nanoTime();
    String given = exchange.getRequest().getHeaders().getFirst(HEADER);
    String id = given != null && SAFE.matcher(given).matches() ? given : newId();
    Timing timing = new Timing(id, start);
    exchange.getAttributes().put(ATTRIBUTE, id);
    exchange.getAttributes().put(Timing.ATTRIBUTE, timing);
    exchange.getResponse().getHeaders().set(HEADER, id);
    MDC.put("requestId", id);
    return chain
        .filter(exchange)
        .doFinally(
            s -> {
              MDC.remove("requestId");
              if (timing.routed) {
                // Everything but the wait on providers: parse, format, route, serialize, write.
                metrics.overhead(System.nanoTime() - timing.startNanos - timing.upstreamNanos);
              }
            });
  }

  /** A random id without UUID's SecureRandom contention on the request path. */
  static String newId() {
    java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
    // UUID-shaped (version 4 bits set), random without SecureRandom's lock.
    long hi = (r.nextLong() & ~0xF000L) | 0x4000L;
    long lo = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new java.util.UUID(hi, lo).toString();
  }

  static String of(ServerWebExchange exchange) {
    Object id = exchange.getAttribute(ATTRIBUTE);
    return id == null ? "" : id.toString();
  }
}
