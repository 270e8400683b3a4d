package io.mcpai.app;

import io.mcpai.core.protocol.Problem;
import io.mcpai.core.protocol.ProtocolException;
import io.mcpai.core.security.CorsPolicy;
import io.mcpai.core.security.Rejection;
import io.mcpai.core.security.Utf8Validator;
import java.util.List;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The first stage after the request id: browser-facing rules and the body's encoding. Security
 * headers on every response; CORS by the allow-list (preflights answered here, before
 * authentication, as browsers send them without credentials); request bodies checked to be valid
 * UTF-8 as they stream in (400 otherwise) so no decoder silently substitutes U+FFFD.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class EdgeFilter implements WebFilter {
  private final CorsPolicy cors;

  EdgeFilter(CorsPolicy cors) {
    this.cors = cors;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    ServerHttpRequest request = exchange.getRequest();
    HttpHeaders out = exchange.getResponse().getHeaders();
    out.set("X-Content-Type-Options", "nosniff");
    out.set("X-Frame-Options", "DENY");
    out.set("Referrer-Policy", "no-referrer");
    out.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    if (request.getSslInfo() != null) {
      out.set("Strict-Transport-Security", "max-age=31536000");
    }
    String origin = request.getHeaders().getOrigin();
    if (origin != null) {
      String wanted = request.getHeaders().getFirst("Access-Control-Request-Method");
      if (request.getMethod() == HttpMethod.OPTIONS && wanted != null) {
        Map<String, String> allowed =
            cors.preflight(
                origin, wanted, request.getHeaders().getFirst("Access-Control-Request-Headers"));
        if (allowed == null) {
          return Mono.error(
              Rejection.forbidden(
                  null,
                  "cross-origin request refused: this origin, method or header is not allowed"
                      + " (MCP_CORS_ORIGINS)"));
        }
        allowed.forEach(out::set);
        exchange.getResponse().setStatusCode(HttpStatus.NO_CONTENT);
        return exchange.getResponse().setComplete();
      }
      cors.responseHeaders(origin).forEach(out::set);
    }
    if (request.getMethod() == HttpMethod.POST) {
      exchange = exchange.mutate().request(new Utf8Checked(request)).build();
    }
    return chain.filter(exchange);
  }

  /** The request with its body validated as UTF-8 chunk by chunk, without copying it. */
  private static final class Utf8Checked extends ServerHttpRequestDecorator {
    Utf8Checked(ServerHttpRequest delegate) {
      super(delegate);
    }

    @Override
    public Flux<DataBuffer> getBody() {
      Utf8Validator v = new Utf8Validator();
      return super.getBody()
          .<DataBuffer>handle(
              (buf, sink) -> {
                boolean ok = true;
                try (DataBuffer.ByteBufferIterator it = buf.readableByteBuffers()) {
                  while (ok && it.hasNext()) {
                    ok = v.feed(it.next());
                  }
                }
                if (ok) {
                  sink.next(buf);
                } else {
                  DataBufferUtils.release(buf);
                  sink.error(invalid(v));
                }
              })
          .concatWith(Mono.defer(() -> v.finish() ? Mono.empty() : Mono.error(invalid(v))));
    }

    private static ProtocolException invalid(Utf8Validator v) {
      return new ProtocolException(
          400,
          ProtocolException.MALFORMED,
          List.of(
              Problem.malformed(
                  "the body is not valid UTF-8 (first bad byte at offset " + v.invalidAt() + ")")));
    }
  }
}
