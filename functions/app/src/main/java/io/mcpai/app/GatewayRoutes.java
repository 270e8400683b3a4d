package io.mcpai.app;

import static org.springframework.web.reactive.function.server.RequestPredicates.GET;
import static org.springframework.web.reactive.function.server.RequestPredicates.POST;

import io.mcpai.core.context.FormattedContext;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The local web runner's routes over the function beans, the same beans the cloud adapters find in
 * the function catalog. The runner adds transport and nothing else; it calls the beans directly
 * because the catalog's conversion wrapper buys nothing when the types already match.
 */
@Configuration(proxyBeanMethods = false)
class GatewayRoutes {

  @Bean
  RouterFunction<ServerResponse> routes(
      @Qualifier("formatContext") Function<String, FormattedContext> formatContext,
      @Qualifier("health") Supplier<?> health) {
    return RouterFunctions.route()
        .route(
            POST("/v1/format"),
            // An absent body is an empty string: the validator then says what is missing.
            request ->
                request
                    .bodyToMono(String.class)
                    .defaultIfEmpty("")
                    .flatMap(body -> json(formatContext.apply(body))))
        .route(GET("/health"), request -> json(health.get()))
        .build();
  }

  private static Mono<ServerResponse> json(Object body) {
    return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body);
  }
}
