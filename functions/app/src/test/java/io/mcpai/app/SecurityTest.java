package io.mcpai.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.mcpai.core.protocol.ProtocolJson;
import io.mcpai.core.security.ApiKeyStore;
import io.mcpai.core.security.Caller;
import io.mcpai.inference.Main;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.server.WebFilter;

/**
 * The gateway with keys configured, in front of one real inference endpoint: 401 vs 403, the caller
 * on the exchange, 429 with OpenAI's headers for requests and tokens, CORS, security headers,
 * hostile bodies (bad UTF-8, deep JSON, oversize), and that neither keys nor prompts leak into
 * responses or logs.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class SecurityTest {
  static final String FULL = "mcp-full-key-0123456789abcdefghij";
  static final String NARROW = "mcp-narrow-key-0123456789abcdefgh";
  static final String RPM2 = "mcp-rpm2-key-0123456789abcdefghijk";
  static final String TPM = "mcp-tpm-key-0123456789abcdefghijkl";
  static final String GCP_ONLY = "mcp-gcp-only-key-0123456789abcdefgh";
  static final String ORIGIN = "https://app.example.com";
  static final String SECRET_PROMPT = "zebra-quartz-secret-prompt";

  static Main.Running endpoint;
  static final List<Caller> callers = new CopyOnWriteArrayList<>();

  @LocalServerPort int port;

  // One client for the class: requests share kept-alive connections, as real clients' do (a
  // stall on a reused connection is a gateway bug; see KeepAliveTest).
  private static final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @DynamicPropertySource
  static void settings(DynamicPropertyRegistry props) throws Exception {
    if (endpoint == null) {
      endpoint =
          Main.start(
              Main.Settings.from(
                  new String[] {"serve", "--server.port=0"},
                  Map.of("MCP_BIND_ADDRESS", "127.0.0.1")));
    }
    Path keys = Files.createTempDirectory("keys").resolve("keys.yaml");
    Files.writeString(
        keys,
        """
        keys:
          - id: acme-full
            tenant: acme
            sha256: %s
          - id: acme-narrow
            tenant: acme
            sha256: %s
            models: [chatml-tiny]
            providers: [nowhere]
          - id: rpm2
            tenant: beta
            sha256: %s
            requests_per_minute: 2
          - id: tpm
            tenant: beta
            sha256: %s
            tokens_per_minute: 300
          - id: gcp-only
            tenant: beta
            sha256: %s
            providers: [gcp]
        """
            .formatted(
                ApiKeyStore.sha256Hex(FULL),
                ApiKeyStore.sha256Hex(NARROW),
                ApiKeyStore.sha256Hex(RPM2),
                ApiKeyStore.sha256Hex(TPM),
                ApiKeyStore.sha256Hex(GCP_ONLY)));
    props.add("MCP_API_KEYS_FILE", keys::toString);
    props.add("MCP_MODEL_SERVICE_AWS", () -> "http://127.0.0.1:" + endpoint.port());
    props.add("MCP_MODEL_SERVICE_CONTEXT_WINDOW", () -> "512");
    props.add("MCP_REQUEST_LOG", () -> "off");
    props.add("MCP_CORS_ORIGINS", () -> ORIGIN);
    props.add("MCP_MAX_BODY_BYTES", () -> "65536");
  }

  @AfterAll
  static void stop() {
    endpoint.close();
  }

  /** Records the caller each exchange carried, as downstream code (sessions) sees it. */
  @TestConfiguration
  static class CallerProbe {
    @Bean
    @Order(Ordered.LOWEST_PRECEDENCE)
    WebFilter callerProbe() {
      return (ex, chain) -> {
        Caller c = ex.getAttribute(Caller.ATTRIBUTE);
        if (c != null && ex.getRequest().getPath().value().startsWith("/v1/generate")) {
          callers.add(c);
        }
        return chain.filter(ex);
      };
    }
  }

  private HttpResponse<String> post(String path, String body, String... headers) throws Exception {
    return send(path, HttpRequest.BodyPublishers.ofString(body), headers);
  }

  private HttpResponse<String> send(String path, HttpRequest.BodyPublisher body, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("content-type", "application/json")
            .timeout(Duration.ofSeconds(60))
            .POST(body);
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(String s) throws Exception {
    return ProtocolJson.mapper().readTree(s);
  }

  /** A chat completion through the official OpenAI client with this key. */
  private Object chat(String key) {
    return OpenAIOkHttpClient.builder()
        .baseUrl("http://127.0.0.1:" + port + "/v1")
        .apiKey(key)
        .maxRetries(0)
        .build()
        .chat()
        .completions()
        .create(
            ChatCompletionCreateParams.builder()
                .model("llama-2-7b-chat")
                .addUserMessage("hi")
                .build());
  }

  static final String GENERATE = "{\"user_input\": \"Hi\", \"parameters\": {\"max_tokens\": 4}}";
  static final String CHAT =
      "{\"model\":\"llama-2-7b-chat\",\"max_tokens\":4,"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

  @Test
  void withoutAValidKeyEveryApiRouteIs401InItsOwnShapeAndHealthStaysOpen() throws Exception {
    HttpResponse<String> none = post("/v1/generate", GENERATE);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer");
    assertThat(none.headers().firstValue("x-request-id")).isPresent();
    assertThat(json(none.body()).at("/error/type").asText()).isEqualTo("invalid_api_key");

    String wrong = "mcp-wrong-key-that-must-not-come-back-anywhere";
    HttpResponse<String> bad =
        post("/v1/chat/completions", CHAT, "authorization", "Bearer " + wrong);
    assertThat(bad.statusCode()).isEqualTo(401);
    assertThat(json(bad.body()).at("/error/type").asText()).isEqualTo("authentication_error");
    assertThat(bad.body()).doesNotContain(wrong).doesNotContain("mcp-wrong");

    for (String path : List.of("/v1/models", "/metrics")) {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(path).isEqualTo(401);
    }
    HttpResponse<String> health =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);

    // The official OpenAI client sees the same as an UnauthorizedException.
    assertThatThrownBy(() -> chat(wrong)).isInstanceOf(UnauthorizedException.class);
  }

  @Test
  void aValidKeyIsServedAndItsTenantIsTheExchangesCaller() throws Exception {
    HttpResponse<String> a = post("/v1/generate", GENERATE, "authorization", "Bearer " + FULL);
    assertThat(a.statusCode()).as(a.body()).isEqualTo(200);
    HttpResponse<String> b = post("/v1/generate", GENERATE, "x-api-key", FULL);
    assertThat(b.statusCode()).as(b.body()).isEqualTo(200);
    assertThat(callers).contains(new Caller("acme", "acme-full"));
    assertThat(callers).doesNotContain(Caller.ANONYMOUS);
  }

  @Test
  void aKeyOutsideItsModelOrProviderListIs403() throws Exception {
    HttpResponse<String> model = post("/v1/generate", GENERATE, "x-api-key", NARROW);
    assertThat(model.statusCode()).isEqualTo(403);
    assertThat(json(model.body()).at("/error/param").asText()).isEqualTo("model");
    HttpResponse<String> provider =
        post(
            "/v1/generate",
            "{\"user_input\":\"Hi\",\"model\":\"chatml-tiny\",\"provider\":\"aws\"}",
            "x-api-key",
            NARROW);
    assertThat(provider.statusCode()).isEqualTo(403);
    assertThat(json(provider.body()).at("/error/param").asText()).isEqualTo("provider");
    assertThatThrownBy(() -> chat(NARROW)).isInstanceOf(PermissionDeniedException.class);
  }

  @Test
  void aKeysProviderListBoundsRoutingNotOnlyPinnedRequests() throws Exception {
    // The only provider here is aws; this key may use gcp only, and names no provider.
    HttpResponse<String> generate = post("/v1/generate", GENERATE, "x-api-key", GCP_ONLY);
    assertThat(generate.statusCode()).as(generate.body()).isEqualTo(403);
    assertThat(json(generate.body()).at("/error/param").asText()).isEqualTo("provider");
    assertThat(json(generate.body()).at("/error/message").asText()).contains("[aws]");
    HttpResponse<String> stream =
        post(
            "/v1/chat/completions",
            CHAT.replace("\"max_tokens\"", "\"stream\":true,\"max_tokens\""),
            "x-api-key",
            GCP_ONLY);
    assertThat(stream.statusCode()).as(stream.body()).isEqualTo(403);
    assertThat(stream.body()).contains("provider");
    // A key whose list holds the provider is routed as before.
    assertThat(post("/v1/generate", GENERATE, "x-api-key", FULL).statusCode()).isEqualTo(200);
  }

  @Test
  void requestsBeyondTheKeysRateGet429WithOpenAisHeaders() throws Exception {
    HttpResponse<String> first = post("/v1/chat/completions", CHAT, "x-api-key", RPM2);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(first.headers().firstValue("x-ratelimit-limit-requests")).contains("2");
    assertThat(first.headers().firstValue("x-ratelimit-remaining-requests")).contains("1");
    assertThat(first.headers().firstValue("x-ratelimit-reset-requests")).isPresent();
    post("/v1/chat/completions", CHAT, "x-api-key", RPM2);
    HttpResponse<String> third = post("/v1/chat/completions", CHAT, "x-api-key", RPM2);
    assertThat(third.statusCode()).isEqualTo(429);
    assertThat(Long.parseLong(third.headers().firstValue("Retry-After").orElseThrow()))
        .isBetween(1L, 31L);
    assertThat(third.headers().firstValue("x-ratelimit-remaining-requests")).contains("0");
    assertThat(json(third.body()).at("/error/type").asText()).isEqualTo("rate_limit_error");
    assertThat(json(third.body()).at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
    // Another key of the same gateway is unaffected.
    assertThat(post("/v1/chat/completions", CHAT, "x-api-key", FULL).statusCode()).isEqualTo(200);
    // The refusal is counted by key id (never the key) and limit, for the dashboard and alerts.
    HttpResponse<String> metrics =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .header("x-api-key", FULL)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.body())
        .containsPattern("mcp_rate_limited_total\\{key=\"rpm2\",limit=\"requests\"\\} [1-9]")
        .doesNotContain(RPM2);
  }

  @Test
  void tokensAreReservedAsPromptPlusMaxTokensAndGivenBackAfterwards() throws Exception {
    // The prompt is a few dozen tokens; 250 more would not fit a 300-token minute twice.
    String big = "{\"user_input\": \"Hi\", \"parameters\": {\"max_tokens\": 250}}";
    HttpResponse<String> a = post("/v1/generate", big, "x-api-key", TPM);
    assertThat(a.statusCode()).as(a.body()).isEqualTo(200);
    assertThat(a.headers().firstValue("x-ratelimit-limit-tokens")).contains("300");
    long remainingAfterReserve =
        Long.parseLong(a.headers().firstValue("x-ratelimit-remaining-tokens").orElseThrow());
    assertThat(remainingAfterReserve).isLessThan(50);
    JsonNode usage = json(a.body()).get("usage");
    int used = usage.get("total_tokens").asInt();
    // Settled to actual use: what was not generated came back, so a small request passes.
    HttpResponse<String> b = post("/v1/generate", GENERATE, "x-api-key", TPM);
    assertThat(b.statusCode()).as(b.body()).isEqualTo(200);
    long remaining =
        Long.parseLong(b.headers().firstValue("x-ratelimit-remaining-tokens").orElseThrow());
    assertThat(remaining).isGreaterThanOrEqualTo(300 - used - 60L);
    // More than the whole minute's budget can never pass, and the answer says what to change.
    HttpResponse<String> tooBig =
        post(
            "/v1/generate",
            "{\"user_input\": \"Hi\", \"parameters\": {\"max_tokens\": 400}}",
            "x-api-key",
            TPM);
    assertThat(tooBig.statusCode()).isEqualTo(429);
    assertThat(json(tooBig.body()).at("/error/param").asText()).isEqualTo("max_tokens");
  }

  @Test
  void corsAllowsOnlyTheListedOriginAndEveryResponseHasSecurityHeaders() throws Exception {
    HttpResponse<String> preflight =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", ORIGIN)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(preflight.statusCode()).isEqualTo(204);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).contains(ORIGIN);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse(""))
        .contains("authorization");

    HttpResponse<String> evil =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example")
                .header("Access-Control-Request-Method", "POST")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(evil.statusCode()).isEqualTo(403);
    assertThat(evil.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

    HttpResponse<String> actual =
        post("/v1/generate", GENERATE, "x-api-key", FULL, "Origin", ORIGIN);
    assertThat(actual.headers().firstValue("Access-Control-Allow-Origin")).contains(ORIGIN);
    assertThat(actual.headers().firstValue("Access-Control-Expose-Headers").orElse(""))
        .contains("x-ratelimit-remaining-requests");
    HttpResponse<String> other =
        post("/v1/generate", GENERATE, "x-api-key", FULL, "Origin", "https://evil.example");
    assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    for (HttpResponse<String> r : List.of(actual, other, evil)) {
      assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
      assertThat(r.headers().firstValue("X-Frame-Options")).contains("DENY");
      assertThat(r.headers().firstValue("Content-Security-Policy")).isPresent();
    }
  }

  @Test
  void hostileBodiesGetA4xxNamingTheProblem() throws Exception {
    byte[] badUtf8 =
        "{\"user_input\": \"caf\u00e9 X\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    badUtf8[badUtf8.length - 4] = (byte) 0xC3; // a lead byte followed by a non-continuation
    HttpResponse<String> utf8 =
        send("/v1/generate", HttpRequest.BodyPublishers.ofByteArray(badUtf8), "x-api-key", FULL);
    assertThat(utf8.statusCode()).as(utf8.body()).isEqualTo(400);
    assertThat(json(utf8.body()).at("/error/message").asText()).contains("UTF-8");

    String deep =
        "{\"model\":\"llama-2-7b-chat\",\"messages\":" + "[".repeat(200) + "]".repeat(200) + "}";
    HttpResponse<String> nested = post("/v1/chat/completions", deep, "x-api-key", FULL);
    assertThat(nested.statusCode()).isEqualTo(400);
    assertThat(json(nested.body()).at("/error/message").asText()).contains("nesting depth");

    String huge = "{\"user_input\": \"" + "a".repeat(70_000) + "\"}";
    HttpResponse<String> large = post("/v1/generate", huge, "x-api-key", FULL);
    assertThat(large.statusCode()).isEqualTo(413);
  }

  @Test
  void neitherKeysNorPromptsReachTheLogsAndErrorsCarryNoStackTrace(CapturedOutput output)
      throws Exception {
    post("/v1/generate", "{\"user_input\": \"" + SECRET_PROMPT + "\"}", "x-api-key", FULL);
    post(
        "/v1/generate",
        "{\"user_input\": \"" + SECRET_PROMPT + "\"}",
        "authorization",
        "Bearer " + FULL + "x");
    HttpResponse<String> r =
        post(
            "/v1/generate",
            "{\"user_input\": \"" + SECRET_PROMPT + "\", \"parameters\": {\"max_tokens\": \"x\"}}",
            "x-api-key",
            FULL);
    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(r.body()).doesNotContain("at io.mcpai").doesNotContain("Exception");
    assertThat(output.getAll()).doesNotContain(FULL).doesNotContain(SECRET_PROMPT);
  }
}
