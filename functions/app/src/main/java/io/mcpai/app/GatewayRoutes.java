package io.mcpai.app;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RequestPredicates.POST;

import io.mcpai.core.context.FormattedContext;
import io.mcpai.core.security.Caller;
import io.mcpai.core.tracing.Tracing;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The local web runner's routes over the function beans and the gateway, the same logic the cloud
 * adapters find in the function catalog. The runner adds transport and nothing else.
 */
@Configuration(proxyBeanMethods = false)
class GatewayRoutes {
  static final MediaType JSON = MediaType.APPLICATION_JSON;

  @Bean
  RouterFunction<ServerResponse> routes(
      @Qualifier("formatContext") Function<String, FormattedContext> formatContext,
      @Qualifier("health") Supplier<?> health,
      @Qualifier("models") Supplier<String> models,
      Gateway gateway,
      GatewayMetrics metrics) {
    return RouterFunctions.route()
        .route(
            POST("/v1/format"),
            // An absent body is an empty string: the validator then says what is missing.
            request ->
                body(request)
                    .flatMap(
                        b ->
                            ServerResponse.ok()
                                .contentType(JSON)
                                .bodyValue(formatContext.apply(b))))
        .route(
            POST("/v1/generate"),
            request ->
                body(request)
                    .flatMap(
                        b ->
                            gateway.generate(
                                b, timing(request), CallContext.of(request.exchange())))
                    .flatMap(GatewayRoutes::answer))
        .route(
            POST("/v1/chat/completions"),
            request ->
                body(request)
                    .flatMap(
                        b -> {
                          OpenAiChat.Parsed p = OpenAiChat.parse(b);
                          Timing t = timing(request);
                          CallContext ctx = CallContext.of(request.exchange());
                          if (!p.stream()) {
                            return gateway.chat(p, t, ctx).flatMap(GatewayRoutes::answer);
                          }
                          return ServerResponse.ok()
                              .contentType(MediaType.TEXT_EVENT_STREAM)
                              .header("cache-control", "no-cache")
                              .body(
                                  BodyInserters.fromServerSentEvents(
                                      gateway
                                          .chatStream(p, t, ctx)
                                          .map(d -> ServerSentEvent.builder(d).build())));
                        }))
        .route(
            GET("/v1/models"),
            request -> ServerResponse.ok().contentType(JSON).bodyValue(models.get()))
        .route(
            GET("/health"),
            request -> ServerResponse.ok().contentType(JSON).bodyValue(health.get()))
        .route(
            GET("/metrics"),
            request ->
                ServerResponse.ok()
                    .contentType(
                        MediaType.parseMediaType("text/plain; version=0.0.4; charset=utf-8"))
                    .bodyValue(metrics.scrape()))
        .build();
  }

  private static Mono<String> body(ServerRequest request) {
    return request.bodyToMono(String.class).defaultIfEmpty("");
  }

  private static Timing timing(ServerRequest request) {
    Object t = request.exchange().getAttribute(Timing.ATTRIBUTE);
    Timing timing =
        t instanceof Timing given ? given : Timing.now(RequestIds.of(request.exchange()));
    // Every web filter has run by now, so authentication has named the caller (if it is on).
    if (request.exchange().getAttribute(Caller.ATTRIBUTE) instanceof Caller c) {
      timing.caller = c;
    }
    timing.traceparent = request.headers().firstHeader(Tracing.TRACEPARENT);
    return timing;
  }

  private static Mono<ServerResponse> answer(Gateway.Answer a) {
    return ServerResponse.ok()
        .contentType(JSON)
        .header("x-mcp-provider", a.provider())
        .headers(
            h -> {
              if (a.cache() != null) {
                h.set("x-cache", a.cache());
              }
              if (a.sessionVersion() != null) {
                h.set("x-session-version", a.sessionVersion().toString());
              }
            })
        .bodyValue(a.json());
  }
}
