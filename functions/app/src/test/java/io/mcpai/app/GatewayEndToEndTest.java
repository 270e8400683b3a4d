package io.mcpai.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.mcpai.core.protocol.ProtocolJson;
import io.mcpai.inference.Main;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The gateway in front of three real inference endpoints (the tiny model, in-process, real
 * sockets), driven by plain HTTP and by the official OpenAI Java client. The last test stops one
 * endpoint in the middle of a load and expects no client to notice.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayEndToEndTest {
  static final List<Main.Running> endpoints = new ArrayList<>();
  static Path requestLog;

  @LocalServerPort int port;

  private static final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @DynamicPropertySource
  static void providers(DynamicPropertyRegistry props) throws Exception {
    if (endpoints.isEmpty()) {
      for (int i = 0; i < 3; i++) {
        endpoints.add(
            Main.start(
                Main.Settings.from(
                    new String[] {"serve", "--server.port=0"},
                    Map.of("MCP_BIND_ADDRESS", "127.0.0.1", "MCP_MAX_BATCH_SIZE", "8"))));
      }
      requestLog = Files.createTempDirectory("gw-log").resolve("requests.jsonl");
    }
    String[] names = {"AWS", "GCP", "AZURE"};
    for (int i = 0; i < 3; i++) {
      String url = "http://127.0.0.1:" + endpoints.get(i).port();
      props.add("MCP_MODEL_SERVICE_" + names[i], () -> url);
    }
    props.add("MCP_MODEL_SERVICE_CONTEXT_WINDOW", () -> "512");
    props.add("MCP_REQUEST_LOG", () -> requestLog.toString());
    props.add("MCP_HEALTH_INTERVAL_MS", () -> "300");
  }

  @AfterAll
  static void stopEndpoints() {
    for (int i = 0; i < endpoints.size(); i++) {
      if (i != STOPPED) {
        endpoints.get(i).close();
      }
    }
  }

  /** The endpoint the failover test stops (gcp). */
  static final int STOPPED = 1;

  private String base() {
    return "http://127.0.0.1:" + port;
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base() + path))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(String s) throws Exception {
    return ProtocolJson.mapper().readTree(s);
  }

  private OpenAIClient openAi() {
    return OpenAIOkHttpClient.builder()
        .baseUrl(base() + "/v1")
        .apiKey("not-checked-yet")
        .maxRetries(0)
        .timeout(Duration.ofSeconds(30))
        .build();
  }

  @Test
  @Order(1)
  void generateAnswersWithTextUsageAndTheProviderThatServedIt() throws Exception {
    HttpResponse<String> r =
        post(
            "/v1/generate",
            """
            {"system_prompt": "You are terse.",
             "conversation_history": [{"role": "user", "content": "Hi"},
                                      {"role": "assistant", "content": "Hello."}],
             "user_input": "Name a colour.",
             "parameters": {"max_tokens": 12, "temperature": 0}}
            """);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode b = json(r.body());
    assertThat(b.get("response").asText()).isNotEmpty();
    assertThat(b.get("provider").asText()).isIn("aws", "gcp", "azure");
    assertThat(r.headers().firstValue("x-mcp-provider")).contains(b.get("provider").asText());
    assertThat(b.get("protocol_version").asText()).isEqualTo("1.0");
    // Token-exact: the same prompt through /v1/format counts the same.
    JsonNode formatted =
        json(
            post(
                    "/v1/format",
                    """
                    {"system_prompt": "You are terse.",
                     "conversation_history": [{"role": "user", "content": "Hi"},
                                              {"role": "assistant", "content": "Hello."}],
                     "user_input": "Name a colour.", "parameters": {"max_tokens": 12}}
                    """)
                .body());
    assertThat(b.at("/usage/prompt_tokens").asInt())
        .isEqualTo(formatted.get("prompt_tokens").asInt())
        .isEqualTo(b.get("context_length").asInt());
    assertThat(b.at("/usage/completion_tokens").asInt()).isBetween(1, 12);
    assertThat(b.get("finish_reason").asText()).isIn("stop", "length");
  }

  @Test
  @Order(2)
  void theOfficialOpenAiClientGetsAChatCompletion() {
    ChatCompletion c =
        openAi()
            .chat()
            .completions()
            .create(
                ChatCompletionCreateParams.builder()
                    .model("llama-2-7b-chat")
                    .addSystemMessage("You are terse.")
                    .addUserMessage("Say hi.")
                    .maxCompletionTokens(8)
                    .temperature(0.0)
                    .build());
    assertThat(c.choices()).hasSize(1);
    assertThat(c.choices().get(0).message().content()).isPresent();
    assertThat(c.usage().orElseThrow().completionTokens()).isBetween(1L, 8L);
    assertThat(c.usage().orElseThrow().promptTokens()).isGreaterThan(5L);
    assertThat(c.choices().get(0).finishReason().asString()).isIn("stop", "length");
  }

  @Test
  @Order(3)
  void theOfficialOpenAiClientStreamsChunksWithUsageAndFinishReason() {
    StringBuilder text = new StringBuilder();
    List<ChatCompletionChunk> chunks = new ArrayList<>();
    try (StreamResponse<ChatCompletionChunk> s =
        openAi()
            .chat()
            .completions()
            .createStreaming(
                ChatCompletionCreateParams.builder()
                    .model("llama-2-7b-chat")
                    .addUserMessage("Count to three.")
                    .maxCompletionTokens(10)
                    .temperature(0.0)
                    .build())) {
      s.stream()
          .forEach(
              ch -> {
                chunks.add(ch);
                ch.choices().forEach(c -> c.delta().content().ifPresent(text::append));
              });
    }
    assertThat(chunks.size()).isGreaterThan(2);
    assertThat(chunks.get(0).choices().get(0).delta().role()).isPresent();
    ChatCompletionChunk last = chunks.get(chunks.size() - 1);
    assertThat(last.choices().get(0).finishReason()).isPresent();
    assertThat(last.usage().orElseThrow().completionTokens()).isBetween(1L, 10L);
    assertThat(text.length()).isPositive();
  }

  @Test
  @Order(4)
  void badInputsGetClearErrorsInEachApisShape() throws Exception {
    HttpResponse<String> typo =
        post("/v1/generate", "{\"user_input\": \"hi\", \"parameters\": {\"max_token\": 5}}");
    assertThat(typo.statusCode()).isEqualTo(422);
    assertThat(json(typo.body()).at("/error/param").asText()).isEqualTo("parameters.max_token");

    HttpResponse<String> notJson = post("/v1/generate", "{not json");
    assertThat(notJson.statusCode()).isEqualTo(400);

    HttpResponse<String> unknownProvider =
        post("/v1/generate", "{\"user_input\": \"hi\", \"provider\": \"ibm\"}");
    assertThat(unknownProvider.statusCode()).isEqualTo(422);
    assertThat(unknownProvider.body()).contains("ibm").contains("aws");

    // Fits the model's 4096 window but no provider's 512: 413, naming both numbers.
    String longInput = "word ".repeat(700);
    HttpResponse<String> tooLong =
        post(
            "/v1/generate",
            "{\"user_input\": \"" + longInput + "\", \"parameters\": {\"max_tokens\": 8}}");
    assertThat(tooLong.statusCode()).isEqualTo(413);
    assertThat(json(tooLong.body()).at("/error/message").asText()).contains("512");

    HttpResponse<String> chatRole =
        post(
            "/v1/chat/completions",
            "{\"model\":\"llama-2-7b-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"},"
                + "{\"role\":\"user\",\"content\":\"b\"}]}");
    assertThat(chatRole.statusCode()).isEqualTo(422);
    JsonNode err = json(chatRole.body()).get("error");
    assertThat(err.get("type").asText()).isEqualTo("invalid_request_error");
    assertThat(err.get("param").asText()).startsWith("messages[0]");
    assertThat(err.has("code")).isTrue();

    assertThatThrownBy(
            () ->
                openAi()
                    .chat()
                    .completions()
                    .create(
                        ChatCompletionCreateParams.builder()
                            .model("gpt-4o")
                            .addUserMessage("hi")
                            .build()))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("llama-2-7b-chat");
  }

  @Test
  @Order(5)
  void modelsHealthMetricsAndTheRequestLogDescribeWhatHappened() throws Exception {
    JsonNode models = json(get("/v1/models").body());
    assertThat(models.get("object").asText()).isEqualTo("list");
    assertThat(models.at("/data/0/id").asText()).isEqualTo("llama-2-7b-chat");

    JsonNode health = json(get("/health").body());
    assertThat(health.get("status").asText()).isEqualTo("ok");
    assertThat(health.get("providers")).hasSize(3);
    assertThat(health.at("/providers/0/state").asText()).isEqualTo("up");

    String metrics = get("/metrics").body();
    assertThat(metrics)
        .contains("inference_requests_total{cloud_provider=")
        .contains("mcp_gateway_overhead_seconds_count")
        .contains("mcp_provider_state{provider=\"gcp\"}")
        .contains("mcp_provider_in_flight{provider=\"aws\"}")
        .contains("inference_request_duration_seconds_bucket");

    Thread.sleep(300); // the log is written off the request thread
    List<String> lines = Files.readAllLines(requestLog);
    assertThat(lines).isNotEmpty();
    JsonNode rec = json(lines.get(0));
    assertThat(rec.get("v").asInt()).isEqualTo(1);
    assertThat(rec.get("api").asText()).isEqualTo("generate");
    assertThat(rec.get("status").asInt()).isEqualTo(200);
    assertThat(rec.get("prompt_tokens").asInt()).isPositive();
    assertThat(rec.get("completion_tokens").asInt()).isPositive();
    assertThat(rec.get("latency_ms").asDouble())
        .isGreaterThanOrEqualTo(rec.get("upstream_ms").asDouble());
    assertThat(rec.at("/attempts/0/outcome").asText()).isEqualTo("ok");
    assertThat(lines)
        .anySatisfy(l -> assertThat(l).contains("\"stream\":true").contains("\"ttft_ms\":"));
  }

  @Test
  @Order(6)
  void stoppingOneEndpointMidRunFailsNoClientRequest() throws Exception {
    int clients = 4;
    int perClient = 25;
    AtomicInteger done = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<List<Integer>>> results = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      results.add(
          pool.submit(
              () -> {
                List<Integer> statuses = new ArrayList<>();
                for (int i = 0; i < perClient; i++) {
                  statuses.add(
                      post(
                              "/v1/generate",
                              "{\"user_input\": \"Tell me a story.\", \"parameters\":"
                                  + " {\"max_tokens\": 6}}")
                          .statusCode());
                  done.incrementAndGet();
                }
                return statuses;
              }));
    }
    while (done.get() < clients * perClient / 4) {
      Thread.sleep(5);
    }
    endpoints.get(STOPPED).close(); // gcp goes away under load
    List<Integer> all = new ArrayList<>();
    for (Future<List<Integer>> f : results) {
      all.addAll(f.get());
    }
    pool.shutdown();
    assertThat(all).hasSize(clients * perClient).containsOnly(200);

    Thread.sleep(1000); // two failed health checks
    JsonNode health = json(get("/health").body());
    assertThat(health.at("/providers/1/name").asText()).isEqualTo("gcp");
    assertThat(health.at("/providers/1/state").asText()).isIn("down", "open");
    // Requests really were sent to the stopped endpoint and moved on.
    assertThat(get("/metrics").body()).contains("mcp_provider_failovers_total{from=\"gcp\"");
  }
}
