package io.mcpai.app.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpai.core.security.Caller;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpStatelessAsyncServer;
import io.modelcontextprotocol.server.McpStatelessServerFeatures.AsyncToolSpecification;
import io.modelcontextprotocol.server.transport.DefaultServerTransportSecurityValidator;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;
import reactor.core.publisher.Mono;

/**
 * The endpoint alone, as a cloud function handler would call it, in front of the SDK's real
 * stateless server: header checks (Host allow-list, Origin, Accept, protocol version) in any header
 * case, and the caller reaching a tool through the transport context.
 */
class McpHttpEndpointTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ACCEPT = "application/json, text/event-stream";
  private final AtomicReference<Object> seenCaller = new AtomicReference<>();
  private McpStatelessAsyncServer server;

  private McpHttpEndpoint endpoint(List<String> hosts) {
    JacksonMcpJsonMapper json = new JacksonMcpJsonMapper(new ObjectMapper());
    McpHttpEndpoint endpoint =
        new McpHttpEndpoint(
            json,
            DefaultServerTransportSecurityValidator.builder()
                .allowedOrigins(McpSettings.from(new MockEnvironment()).allowedOrigins())
                .allowedHosts(hosts)
                .build());
    McpSchema.Tool whoami =
        McpSchema.Tool.builder().name("whoami").inputSchema(json, "{\"type\": \"object\"}").build();
    server =
        McpServer.async(endpoint)
            .jsonMapper(json)
            .tools(
                AsyncToolSpecification.builder()
                    .tool(whoami)
                    .callHandler(
                        (ctx, req) -> {
                          seenCaller.set(ctx.get(McpHttpEndpoint.CALLER));
                          return Mono.just(
                              McpSchema.CallToolResult.builder().addTextContent("ok").build());
                        })
                    .build())
            .build();
    return endpoint;
  }

  @AfterEach
  void close() {
    server.close();
  }

  private static McpHttpEndpoint.Call post(Map<String, List<String>> headers, String body) {
    return new McpHttpEndpoint.Call("POST", headers, body, new Caller("acme", "key-1"), "r-1");
  }

  private static final String CALL =
      "{\"jsonrpc\":\"2.0\",\"id\":\"c1\",\"method\":\"tools/call\","
          + "\"params\":{\"name\":\"whoami\",\"arguments\":{}}}";

  @Test
  void aToolSeesTheCallerAndHeaderNamesMatchInAnyCase() throws Exception {
    McpHttpEndpoint.Answer a =
        endpoint(List.of())
            .handle(post(Map.of("ACCEPT", List.of(ACCEPT), "host", List.of("gw.example")), CALL))
            .block();
    assertThat(a.status()).as(a.body()).isEqualTo(200);
    assertThat(a.headers()).containsEntry("content-type", "application/json");
    JsonNode body = JSON.readTree(a.body());
    assertThat(body.get("id").asText()).isEqualTo("c1");
    assertThat(body.get("result").get("content").get(0).get("text").asText()).isEqualTo("ok");
    assertThat(seenCaller.get()).isEqualTo(new Caller("acme", "key-1"));
  }

  @Test
  void aHostOutsideTheAllowListIs421AndOneInsideIsServed() {
    McpHttpEndpoint e = endpoint(List.of("gw.example:*"));
    Map<String, List<String>> rebound =
        Map.of("Accept", List.of(ACCEPT), "Host", List.of("attacker.example"));
    assertThat(e.handle(post(rebound, CALL)).block().status()).isEqualTo(421);
    Map<String, List<String>> missing = Map.of("Accept", List.of(ACCEPT));
    assertThat(e.handle(post(missing, CALL)).block().status()).isEqualTo(421);
    Map<String, List<String>> ok =
        Map.of("Accept", List.of(ACCEPT), "Host", List.of("gw.example:443"));
    assertThat(e.handle(post(ok, CALL)).block().status()).isEqualTo(200);
  }

  @Test
  void originAcceptAndProtocolVersionAreCheckedBeforeTheMessage() throws Exception {
    McpHttpEndpoint e = endpoint(List.of());
    McpHttpEndpoint.Answer foreign =
        e.handle(
                post(
                    Map.of("Accept", List.of(ACCEPT), "Origin", List.of("http://evil.example")),
                    CALL))
            .block();
    assertThat(foreign.status()).isEqualTo(403);
    assertThat(JSON.readTree(foreign.body()).get("id").isNull()).isTrue();
    assertThat(
            e.handle(
                    post(
                        Map.of("Accept", List.of(ACCEPT), "Origin", List.of("http://[::1]:6274")),
                        CALL))
                .block()
                .status())
        .isEqualTo(200);
    assertThat(e.handle(post(Map.of("Accept", List.of("*/*")), CALL)).block().status())
        .isEqualTo(200);
    assertThat(e.handle(post(Map.of("Accept", List.of("text/html")), CALL)).block().status())
        .isEqualTo(406);
    McpHttpEndpoint.Answer oldVersion =
        e.handle(
                post(
                    Map.of(
                        "Accept", List.of(ACCEPT), "MCP-Protocol-Version", List.of("1999-01-01")),
                    CALL))
            .block();
    assertThat(oldVersion.status()).isEqualTo(400);
    assertThat(oldVersion.body()).contains("2025-11-25");
    assertThat(
            e.handle(
                    post(
                        Map.of(
                            "Accept",
                            List.of(ACCEPT),
                            "MCP-Protocol-Version",
                            List.of("2025-06-18")),
                        CALL))
                .block()
                .status())
        .isEqualTo(200);
  }

  @Test
  void notificationsAre202AndOtherMethodsAre405() {
    McpHttpEndpoint e = endpoint(List.of());
    String note = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
    McpHttpEndpoint.Answer a = e.handle(post(Map.of("Accept", List.of(ACCEPT)), note)).block();
    assertThat(a.status()).isEqualTo(202);
    assertThat(a.body()).isEmpty();
    McpHttpEndpoint.Answer get =
        e.handle(new McpHttpEndpoint.Call("GET", Map.of(), "", Caller.ANONYMOUS, "r")).block();
    assertThat(get.status()).isEqualTo(405);
    assertThat(get.headers()).containsEntry("allow", "POST");
  }
}
