package io.mcpai.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mcpai.core.protocol.ProtocolJson;
import io.mcpai.core.security.Caller;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.Order;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.server.WebFilter;

/**
 * Sessions and the response cache through the gateway's HTTP APIs, on the embedded in-memory
 * backends, in front of a real (scripted) LMI server that records the prompts it is sent.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
@Import(SessionGatewayTest.Callers.class)
class SessionGatewayTest {
  static ScriptedLmiServer lmi;

  @LocalServerPort int port;

  // One client for the class: requests share kept-alive connections, as real clients' do (a
  // stall on a reused connection is a gateway bug; see KeepAliveTest).
  private static final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  /** Stands in for authentication: the caller named by a test header, as the auth filter would. */
  @TestConfiguration
  static class Callers {
    @Bean
    @Order(-100)
    WebFilter testCaller() {
      return (exchange, chain) -> {
        String tenant = exchange.getRequest().getHeaders().getFirst("x-test-tenant");
        if (tenant != null) {
          exchange.getAttributes().put(Caller.ATTRIBUTE, new Caller(tenant, "key-" + tenant));
        }
        return chain.filter(exchange);
      };
    }
  }

  @DynamicPropertySource
  static void provider(DynamicPropertyRegistry props) throws Exception {
    if (lmi == null) {
      lmi = new ScriptedLmiServer();
    }
    lmi.provide(props);
  }

  // The provider stays up for the test JVM: Spring caches this class's context with the
  // provider's URL, and a rerun of a flaky test (surefire) reuses that context.

  HttpResponse<String> send(String method, String path, String body, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("content-type", "application/json")
            .timeout(java.time.Duration.ofSeconds(20))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> generate(String body, Map<String, String> headers) throws Exception {
    return send("POST", "/v1/generate", body, headers);
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return ProtocolJson.mapper().readTree(r.body());
  }

  @Test
  void aProtocolSessionCarriesTheConversationAndIsReadableAndDeletable() throws Exception {
    Map<String, String> alice = Map.of("x-test-tenant", "alice");
    HttpResponse<String> r1 =
        generate(
            "{\"session_id\":\"trip\",\"system_prompt\":\"You plan trips.\","
                + "\"user_input\":\"I want to visit Lisbon.\"}",
            alice);
    assertThat(r1.statusCode()).as(r1.body()).isEqualTo(200);
    String reply1 = json(r1).get("response").asText();
    assertThat(json(r1).get("session_version").asLong()).isEqualTo(1);
    assertThat(r1.headers().firstValue("x-session-version")).hasValue("1");

    HttpResponse<String> r2 =
        generate("{\"session_id\":\"trip\",\"user_input\":\"For how many days?\"}", alice);
    assertThat(r2.statusCode()).as(r2.body()).isEqualTo(200);
    // The model saw the stored system prompt, the first turn and its answer, then the new input.
    assertThat(lmi.lastInput())
        .contains("You plan trips.")
        .contains("I want to visit Lisbon.")
        .contains(reply1)
        .endsWith("For how many days? [/INST]");
    assertThat(json(r2).get("session_version").asLong()).isEqualTo(2);

    HttpResponse<String> view = send("GET", "/v1/sessions/trip", null, alice);
    assertThat(view.statusCode()).as(view.body()).isEqualTo(200);
    JsonNode v = json(view);
    assertThat(v.get("version").asLong()).isEqualTo(2);
    assertThat(v.get("system_prompt").asText()).isEqualTo("You plan trips.");
    assertThat(v.get("turns")).hasSize(2);
    assertThat(v.get("turns").get(0).get("assistant").asText()).isEqualTo(reply1);
    assertThat(v.get("stored_token_ids").asInt()).isPositive();
    assertThat(v.get("store").asText()).isEqualTo("memory");

    // Another caller sees nothing under the same id, and cannot delete it.
    Map<String, String> bob = Map.of("x-test-tenant", "bob");
    assertThat(send("GET", "/v1/sessions/trip", null, bob).statusCode()).isEqualTo(404);
    assertThat(send("DELETE", "/v1/sessions/trip", null, bob).statusCode()).isEqualTo(404);
    HttpResponse<String> bobTurn =
        generate("{\"session_id\":\"trip\",\"user_input\":\"Hello?\"}", bob);
    assertThat(lmi.lastInput()).doesNotContain("Lisbon");
    assertThat(json(bobTurn).get("session_version").asLong()).isEqualTo(1);

    assertThat(send("DELETE", "/v1/sessions/trip", null, alice).statusCode()).isEqualTo(200);
    HttpResponse<String> gone = send("GET", "/v1/sessions/trip", null, alice);
    assertThat(gone.statusCode()).isEqualTo(404);
    assertThat(json(gone).get("error").get("type").asText()).isEqualTo("not_found");
  }

  @Test
  void aSessionRequestWithItsOwnHistoryIsRefused() throws Exception {
    HttpResponse<String> r =
        generate(
            "{\"session_id\":\"h\",\"user_input\":\"c\",\"conversation_history\":"
                + "[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"assistant\",\"content\":\"b\"}]}",
            Map.of());
    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(json(r).get("error").get("param").asText()).isEqualTo("conversation_history");
  }

  @Test
  void openAiChatContinuesASessionNamedByTheHeaderAlsoWhenStreamed() throws Exception {
    Map<String, String> h = Map.of(CallContext.SESSION_HEADER, "oa-1");
    HttpResponse<String> r1 =
        send(
            "POST",
            "/v1/chat/completions",
            "{\"model\":\"llama-2-7b-chat\",\"messages\":["
                + "{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":\"Name a colour.\"}]}",
            h);
    assertThat(r1.statusCode()).as(r1.body()).isEqualTo(200);
    String reply1 = json(r1).get("choices").get(0).get("message").get("content").asText();
    assertThat(r1.headers().firstValue("x-session-version")).hasValue("1");

    HttpResponse<String> r2 =
        send(
            "POST",
            "/v1/chat/completions",
            "{\"model\":\"llama-2-7b-chat\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Another one.\"}]}",
            h);
    assertThat(r2.statusCode()).isEqualTo(200);
    assertThat(r2.body()).contains("[DONE]");
    assertThat(lmi.lastInput()).contains("Be brief.").contains("Name a colour.").contains(reply1);

    HttpResponse<String> r3 =
        send(
            "POST",
            "/v1/chat/completions",
            "{\"model\":\"llama-2-7b-chat\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"And a third.\"}]}",
            h);
    // The streamed answer was stored before [DONE]: the third turn sees it.
    String streamed = "reply " + (lmi.invocations.get() - 1);
    assertThat(lmi.lastInput()).contains("Another one.").contains(streamed);
    assertThat(r3.headers().firstValue("x-session-version")).hasValue("3");

    HttpResponse<String> withHistory =
        send(
            "POST",
            "/v1/chat/completions",
            "{\"model\":\"llama-2-7b-chat\",\"messages\":["
                + "{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"assistant\",\"content\":\"b\"},"
                + "{\"role\":\"user\",\"content\":\"c\"}]}",
            h);
    assertThat(withHistory.statusCode()).isEqualTo(422);
    assertThat(json(withHistory).get("error").get("param").asText()).isEqualTo("messages");
  }

  @Test
  void deterministicRequestsAreAnsweredFromTheCache() throws Exception {
    String greedy =
        "{\"user_input\":\"What is 2+2?\",\"parameters\":{\"temperature\":0,\"max_tokens\":8}}";
    HttpResponse<String> miss = generate(greedy, Map.of());
    assertThat(miss.headers().firstValue("x-cache")).hasValue("miss");
    int calls = lmi.invocations.get();

    HttpResponse<String> hit = generate(greedy, Map.of());
    assertThat(hit.statusCode()).isEqualTo(200);
    assertThat(hit.headers().firstValue("x-cache")).hasValue("hit");
    assertThat(json(hit).get("response")).isEqualTo(json(miss).get("response"));
    assertThat(lmi.invocations.get()).isEqualTo(calls);

    // The same prompt through the OpenAI API fits to the same ids: the same entry.
    HttpResponse<String> chat =
        send(
            "POST",
            "/v1/chat/completions",
            "{\"model\":\"llama-2-7b-chat\",\"temperature\":0,\"max_tokens\":8,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"What is 2+2?\"}]}",
            Map.of());
    assertThat(chat.headers().firstValue("x-cache")).hasValue("hit");

    HttpResponse<String> noCache = generate(greedy, Map.of("cache-control", "no-cache"));
    assertThat(noCache.headers().firstValue("x-cache")).hasValue("bypass");
    assertThat(lmi.invocations.get()).isEqualTo(calls + 1);

    HttpResponse<String> otherParams =
        generate(
            "{\"user_input\":\"What is 2+2?\",\"parameters\":{\"temperature\":0,\"max_tokens\":9}}",
            Map.of());
    assertThat(otherParams.headers().firstValue("x-cache")).hasValue("miss");

    HttpResponse<String> sampled =
        generate(
            "{\"user_input\":\"What is 2+2?\",\"parameters\":{\"temperature\":0.7}}", Map.of());
    assertThat(sampled.headers().firstValue("x-cache")).hasValue("bypass");
    // Asking for the token ids does not make a sampled answer cacheable.
    String sampledWithIds =
        "{\"user_input\":\"What is 2+2?\",\"parameters\":{\"temperature\":0.7,"
            + "\"return_token_ids\":true}}";
    generate(sampledWithIds, Map.of());
    assertThat(generate(sampledWithIds, Map.of()).headers().firstValue("x-cache"))
        .hasValue("bypass");
    HttpResponse<String> seeded =
        generate(
            "{\"user_input\":\"What is 2+2?\",\"parameters\":{\"temperature\":0.7,\"seed\":5}}",
            Map.of());
    assertThat(seeded.headers().firstValue("x-cache")).hasValue("miss");

    String metrics = send("GET", "/metrics", null, Map.of()).body();
    assertThat(metrics)
        .containsPattern("mcp_response_cache_total\\{result=\"hit\"\\} [1-9]")
        .containsPattern("mcp_response_cache_total\\{result=\"miss\"\\} [1-9]")
        .containsPattern("mcp_response_cache_total\\{result=\"bypass\"\\} [1-9]");
  }
}
