package io.mcpai.app.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcpai.core.security.ApiKeyStore;
import io.mcpai.inference.Main;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code /mcp} with API keys on: the HTTP API's keys (bearer), 401 without or with a wrong one, and
 * a key's model allow-list holding for the generate tool as for {@code /v1/generate}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class McpAuthTest {
  static final String KEY = "mcp-auth-full-key-0123456789abcdef";
  static final String NARROW = "mcp-auth-narrow-key-0123456789abcd";
  static Main.Running endpoint;

  @LocalServerPort int port;
  private final List<McpSyncClient> clients = new ArrayList<>();

  @DynamicPropertySource
  static void settings(DynamicPropertyRegistry props) throws Exception {
    if (endpoint == null) {
      endpoint =
          Main.start(
              Main.Settings.from(
                  new String[] {"serve", "--server.port=0"},
                  Map.of("MCP_BIND_ADDRESS", "127.0.0.1")));
    }
    Path keys = Files.createTempDirectory("mcp-keys").resolve("keys.yaml");
    Files.writeString(
        keys,
        """
        keys:
          - id: mcp-full
            tenant: acme
            sha256: %s
          - id: mcp-narrow
            tenant: acme
            sha256: %s
            models: [chatml-tiny]
        """
            .formatted(ApiKeyStore.sha256Hex(KEY), ApiKeyStore.sha256Hex(NARROW)));
    props.add("MCP_API_KEYS_FILE", keys::toString);
    props.add("MCP_MODEL_SERVICE_AWS", () -> "http://127.0.0.1:" + endpoint.port());
    props.add("MCP_MODEL_SERVICE_CONTEXT_WINDOW", () -> "512");
    props.add("MCP_REQUEST_LOG", () -> "off");
  }

  @AfterAll
  static void stop() {
    endpoint.close();
  }

  @AfterEach
  void close() {
    clients.forEach(McpSyncClient::closeGracefully);
  }

  private McpSyncClient client(String key) {
    HttpRequest.Builder requests = HttpRequest.newBuilder();
    if (key != null) {
      requests.header("Authorization", "Bearer " + key);
    }
    McpSyncClient c =
        McpClient.sync(
                HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + port)
                    .endpoint("/mcp")
                    .requestBuilder(requests)
                    .build())
            .requestTimeout(Duration.ofSeconds(60))
            .build();
    clients.add(c);
    return c;
  }

  private HttpResponse<String> ping(String authorization) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/mcp"))
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void withoutAKeyOrWithAWrongOneMcpAnswers401() throws Exception {
    HttpResponse<String> none = ping(null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("www-authenticate")).contains("Bearer");
    HttpResponse<String> wrong = ping("Bearer mcp-not-a-key-0000000000000000");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).doesNotContain("mcp-not-a-key");
    assertThat(ping("Bearer " + KEY).statusCode()).isEqualTo(200);
    // The SDK's client reads the 401 as an authorization failure and cannot initialize.
    assertThatThrownBy(() -> client(null).initialize())
        .hasStackTraceContaining("McpHttpClientTransportAuthorizationException");
  }

  @Test
  void theKeysClientCallsToolsAndItsModelAllowListHoldsForGenerate() {
    McpSyncClient full = client(KEY);
    full.initialize();
    assertThat(full.listTools().tools()).extracting(t -> t.name()).contains("generate", "chat");
    CallToolResult ok =
        full.callTool(
            new CallToolRequest(
                "generate", Map.of("user_input", "Hi", "parameters", Map.of("max_tokens", 4))));
    assertThat(ok.isError()).as(text(ok)).isNotEqualTo(Boolean.TRUE);

    McpSyncClient narrow = client(NARROW);
    narrow.initialize();
    CallToolResult refused =
        narrow.callTool(
            new CallToolRequest(
                "generate", Map.of("user_input", "Hi", "parameters", Map.of("max_tokens", 4))));
    assertThat(refused.isError()).isTrue();
    assertThat(text(refused)).contains("model");
  }

  private static String text(CallToolResult r) {
    return r.content().stream()
        .filter(TextContent.class::isInstance)
        .map(c -> ((TextContent) c).text())
        .collect(Collectors.joining("\n"));
  }
}
