package io.mcpai.app.serverless;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.codec.CodecCustomizer;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.web.reactive.function.server.HandlerStrategies;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.WebExceptionHandler;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;

/**
 * The gateway's HTTP API as one function, for the cloud triggers: it runs the very handler chain
 * the local web runner serves (every {@link WebFilter} bean, the {@link RouterFunction} beans, the
 * {@link WebExceptionHandler} beans, the same codecs and body limit), in memory. So status codes,
 * error bodies and headers are the web runner's by construction, including filters added later.
 */
public final class ServerlessHttp implements Function<HttpCall, HttpReply> {
  private final HttpHandler handler;
  private final Duration timeout;

  public ServerlessHttp(HttpHandler handler, Duration timeout) {
    this.handler = handler;
    this.timeout = timeout;
  }

  /** The handler chain from the application's beans, ordered as WebFlux orders them. */
  static HttpHandler handler(
      ObjectProvider<RouterFunction<?>> routes,
      ObjectProvider<WebFilter> filters,
      ObjectProvider<WebExceptionHandler> errors,
      ObjectProvider<CodecCustomizer> codecCustomizers) {
    ServerCodecConfigurer codecs = ServerCodecConfigurer.create();
    codecCustomizers.orderedStream().forEach(c -> c.customize(codecs));
    RouterFunction<ServerResponse> all =
        routes
            .orderedStream()
            .map(ServerlessHttp::serverResponses)
            .reduce(RouterFunction::and)
            .orElseThrow(
                () -> new IllegalStateException("no RouterFunction bean: nothing to serve"));
    HandlerStrategies strategies =
        HandlerStrategies.builder()
            .codecs(c -> codecCustomizers.orderedStream().forEach(cc -> cc.customize(c)))
            .build();
    List<WebFilter> filterList = filters.orderedStream().toList();
    List<WebExceptionHandler> errorList = errors.orderedStream().toList();
    return WebHttpHandlerBuilder.webHandler(RouterFunctions.toWebHandler(all, strategies))
        .filters(f -> f.addAll(filterList))
        .exceptionHandlers(e -> e.addAll(errorList))
        .codecConfigurer(codecs)
        .build();
  }

  @SuppressWarnings("unchecked")
  private static RouterFunction<ServerResponse> serverResponses(RouterFunction<?> r) {
    return (RouterFunction<ServerResponse>) r;
  }

  @Override
  public HttpReply apply(HttpCall call) {
    BufferedExchange.Response response = new BufferedExchange.Response();
    handler.handle(new BufferedExchange.Request(call), response).block(timeout);
    return response.reply();
  }
}
