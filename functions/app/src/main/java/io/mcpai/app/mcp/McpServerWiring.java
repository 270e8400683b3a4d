package io.mcpai.app.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpai.app.GatewayCalls;
import io.mcpai.app.RequestGuard;
import io.mcpai.core.batch.BatchJobLauncher;
import io.mcpai.core.batch.BatchJobLaunchers;
import io.mcpai.core.context.ContextFormatter;
import io.mcpai.core.routing.ProviderRouter;
import io.mcpai.core.security.Caller;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.json.schema.jackson2.DefaultJsonSchemaValidator;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpStatelessAsyncServer;
import io.modelcontextprotocol.server.transport.DefaultServerTransportSecurityValidator;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.env.Environment;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The MCP server at {@code /mcp}: the SDK's stateless server (tools, prompts, resources) on the
 * WebFlux transport, over the same gateway and core types as the HTTP API.
 */
@Configuration(proxyBeanMethods = false)
class McpServerWiring {
  private static final Logger log = LoggerFactory.getLogger(McpServerWiring.class);
  static final String ENDPOINT = "/mcp";

  /**
   * The SDK's own JSON rules (its schema types are camelCase with their own annotations), not the
   * app's snake_case protocol mapper.
   */
  @Bean
  McpJsonMapper mcpJsonMapper() {
    return new JacksonMcpJsonMapper(new ObjectMapper());
  }

  @Bean
  McpHttpEndpoint mcpEndpoint(McpJsonMapper json, Environment env) {
    McpSettings s = McpSettings.from(env);
    log.info(
        "MCP server at {}: allowed origins {}, allowed hosts {}",
        ENDPOINT,
        s.allowedOrigins(),
        s.allowedHosts().isEmpty() ? "any" : s.allowedHosts());
    return new McpHttpEndpoint(
        json,
        DefaultServerTransportSecurityValidator.builder()
            .allowedOrigins(s.allowedOrigins())
            .allowedHosts(s.allowedHosts())
            .build());
  }

  /** Jobs started from {@code submit_batch}; {@code MCP_BATCH_LAUNCHER} picks the kind. */
  @Bean
  BatchJobLauncher mcpBatchLauncher(Environment env) {
    Map<String, String> settings = new HashMap<>(System.getenv());
    for (String name :
        new String[] {"MCP_BATCH_LAUNCHER", "MCP_BATCH_COMMAND", "MCP_BATCH_LOG_DIR"}) {
      String v = env.getProperty(name);
      if (v != null) {
        settings.put(name, v);
      }
    }
    return BatchJobLaunchers.fromEnvironment(settings);
  }

  /**
   * Lazy: built on the first {@code /mcp} request (~50 ms of JSON-schema and tool set-up), so a
   * function that never serves MCP does not pay for it in its cold start.
   */
  @Bean(destroyMethod = "close")
  @Lazy
  McpStatelessAsyncServer mcpServer(
      McpHttpEndpoint endpoint,
      McpJsonMapper json,
      GatewayCalls gateway,
      @Qualifier("health") Supplier<?> health,
      ContextFormatter formatter,
      ProviderRouter router,
      BatchJobLauncher mcpBatchLauncher) {
    return McpServer.async(endpoint)
        .serverInfo("mcp-ai-service", version())
        .instructions(
            "LLaMA 2 across AWS, Google Cloud and Azure. Use count_tokens and format_context to"
                + " see exactly what fits a model's context window before generate or chat;"
                + " list_providers and the mcp-ai:// resources show where requests go.")
        .jsonMapper(json)
        .jsonSchemaValidator(new DefaultJsonSchemaValidator(new ObjectMapper()))
        .capabilities(
            McpSchema.ServerCapabilities.builder()
                .tools(false)
                .prompts(false)
                .resources(false, false)
                .build())
        .tools(new GatewayTools(json, gateway, formatter, router, mcpBatchLauncher).all())
        .prompts(new LlamaPrompts(formatter).all())
        .resources(new GatewayResources(health, router, formatter.catalog()).all())
        .build();
  }

  private static String version() {
    String v = McpServerWiring.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /**
   * {@code /mcp} on the web runner. Being a route, it runs behind every {@code WebFilter} (request
   * ids, API keys); each request first gets the server, which gives the endpoint its handler.
   */
  @Bean
  RouterFunction<ServerResponse> mcpRoutes(
      McpHttpEndpoint endpoint, ObjectProvider<McpStatelessAsyncServer> mcpServer) {
    return RouterFunctions.route(
        RequestPredicates.path(ENDPOINT),
        request ->
            Mono.fromSupplier(mcpServer::getObject)
                .then(request.bodyToMono(String.class))
                .defaultIfEmpty("")
                .flatMap(body -> endpoint.handle(call(request, body)))
                .flatMap(
                    answer -> {
                      ServerResponse.BodyBuilder response = ServerResponse.status(answer.status());
                      answer.headers().forEach(response::header);
                      return answer.body().isEmpty()
                          ? response.build()
                          : response.bodyValue(answer.body());
                    }));
  }

  private static McpHttpEndpoint.Call call(ServerRequest request, String body) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    request.headers().asHttpHeaders().forEach(headers::put);
    Object caller = request.exchange().getAttribute(Caller.ATTRIBUTE);
    return new McpHttpEndpoint.Call(
        request.method().name(),
        headers,
        body,
        caller instanceof Caller c ? c : Caller.ANONYMOUS,
        request.exchange().getResponse().getHeaders().getFirst("x-request-id"),
        request.exchange().getAttribute(RequestGuard.ATTRIBUTE) instanceof RequestGuard g
            ? g
            : RequestGuard.NONE);
  }
}
