package io.mcpai.app;

import static org.springframework.web.reactive.function.server.RequestPredicates.DELETE;
import static org.springframework.web.reactive.function.server.RequestPredicates.GET;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.mcpai.core.protocol.Problem;
import io.mcpai.core.protocol.ProtocolException;
import io.mcpai.core.protocol.ProtocolJson;
import io.mcpai.core.session.Session;
import io.mcpai.core.session.SessionKey;
import io.mcpai.core.session.Turn;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * {@code GET /v1/sessions/{id}} (the stored conversation) and {@code DELETE /v1/sessions/{id}}
 * (200, {@code {"session_id", "deleted": true}}). Both see only the caller's own sessions: another
 * key's session of the same id is a 404.
 */
@Configuration(proxyBeanMethods = false)
class SessionRoutes {

  /** What {@code GET /v1/sessions/{id}} answers. */
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record SessionView(
      String sessionId,
      long version,
      String systemPrompt,
      List<TurnView> turns,
      int storedTokenIds,
      String updatedAt,
      String store) {
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record TurnView(String user, String assistant, String createdAt) {}

    static SessionView of(Session s, String store) {
      return new SessionView(
          s.key().id(),
          s.version(),
          s.system(),
          s.turns().stream()
              .map(
                  t ->
                      new TurnView(
                          t.user(), t.assistant(), Instant.ofEpochMilli(t.atMillis()).toString()))
              .toList(),
          s.turns().stream().mapToInt(Turn::storedTokenIds).sum(),
          Instant.ofEpochMilli(s.updatedAtMillis()).toString(),
          store);
    }
  }

  @Bean
  RouterFunction<ServerResponse> sessionApi(SessionWiring.Stores stores) {
    return RouterFunctions.route()
        .route(
            GET("/v1/sessions/{id}"),
            request ->
                Mono.defer(() -> Mono.fromFuture(stores.store().load(key(request))))
                    .flatMap(
                        s ->
                            s.exists()
                                ? ServerResponse.ok()
                                    .contentType(GatewayRoutes.JSON)
                                    .bodyValue(
                                        ProtocolJson.write(
                                            SessionView.of(s, stores.store().backend())))
                                : Mono.error(notFound(request))))
        .route(
            DELETE("/v1/sessions/{id}"),
            request ->
                Mono.defer(() -> Mono.fromFuture(stores.store().delete(key(request))))
                    .flatMap(
                        gone ->
                            gone
                                // 200 with a body, as OpenAI's deletes answer, rather than 204.
                                ? ServerResponse.ok()
                                    .contentType(GatewayRoutes.JSON)
                                    .bodyValue(
                                        ProtocolJson.write(
                                            Map.of(
                                                "session_id",
                                                request.pathVariable("id"),
                                                "deleted",
                                                true)))
                                : Mono.error(notFound(request))))
        .build();
  }

  private static SessionKey key(ServerRequest request) {
    return new SessionKey(CallContext.of(request.exchange()).scope(), request.pathVariable("id"));
  }

  private static ProtocolException notFound(ServerRequest request) {
    return new ProtocolException(
        404,
        "not_found",
        List.of(
            new Problem(
                "session_id",
                "no session '" + request.pathVariable("id") + "' for this caller",
                null,
                404)));
  }
}
