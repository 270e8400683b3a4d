package io.mcpai.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mcpai.core.protocol.ProtocolJson;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/** The web runner over a real socket, on the embedded tokenizer (no reference data needed). */
@SpringBootTest(
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {
      "spring.codec.max-in-memory-size=4096",
      // A provider nobody calls here: keeps the embedded endpoints from starting.
      "MCP_MODEL_SERVICE_AWS=http://127.0.0.1:9",
      "MCP_REQUEST_LOG=off"
    })
class FormatRoutesTest {
  private static final String CHAT =
      """
      {"system_prompt": "You are terse.",
       "conversation_history": [
         {"role": "user", "content": "Hi there"},
         {"role": "assistant", "content": "Hello."}],
       "user_input": "Name a colour.",
       "parameters": {"max_tokens": 64, "temperature": 0.2, "return_token_ids": true}}
      """;

  @Autowired WebTestClient http;

  @Test
  void formatsAConversationIntoTheTemplateAndCountsItsTokens() {
    JsonNode body = post("/v1/format", CHAT, 200);

    assertThat(body.at("/metadata/protocol_version").asText()).isEqualTo("1.0");
    assertThat(body.at("/metadata/max_tokens").asInt()).isEqualTo(64);
    assertThat(body.at("/messages").size()).isEqualTo(4);
    assertThat(body.at("/messages/0/role").asText()).isEqualTo("system");
    assertThat(body.at("/prompt").asText())
        .startsWith("<s>[INST] <<SYS>>\nYou are terse.\n<</SYS>>\n\nHi there [/INST] Hello. </s>")
        .endsWith("[INST] Name a colour. [/INST]");
    JsonNode ids = body.at("/token_ids");
    assertThat(ids.size()).isEqualTo(body.at("/prompt_tokens").asInt()).isGreaterThan(10);
    assertThat(ids.get(0).asInt()).as("BOS opens the first pair").isEqualTo(1);
    assertThat(body.at("/budget/available_for_prompt").asInt()).isEqualTo(4096 - 64);
    assertThat(body.at("/dropped").size()).isZero();
  }

  @Test
  void echoesACallersRequestIdAndMintsOneOtherwise() {
    http.post()
        .uri("/v1/format")
        .header("x-request-id", "trace-42")
        .contentType(MediaType.APPLICATION_JSON)
        .bodyValue(CHAT)
        .exchange()
        .expectHeader()
        .valueEquals("x-request-id", "trace-42");
    http.get()
        .uri("/health")
        .exchange()
        .expectHeader()
        .valueMatches("x-request-id", "[0-9a-f-]{36}");
  }

  @Test
  void reportsEveryValidationProblemWith422() {
    JsonNode body =
        post(
            "/v1/format",
            "{\"user_input\": \"\", \"parameters\": {\"temperature\": 7, \"max_tokenz\": 3}}",
            422);
    assertThat(body.at("/error/type").asText()).isEqualTo("invalid_request");
    assertThat(body.at("/error/errors").findValuesAsText("param"))
        .contains("user_input", "parameters.temperature", "parameters.max_tokenz");
    assertThat(body.at("/error/param").asText()).isNotBlank();
  }

  @Test
  void malformedJsonIs400() {
    JsonNode body = post("/v1/format", "{\"user_input\": ", 400);
    assertThat(body.at("/error/type").asText()).isEqualTo("malformed_request");
    assertThat(body.at("/error/message").asText()).contains("not valid JSON");
  }

  @Test
  void anEmptyBodyIsRefusedWithAReason() {
    JsonNode body = post("/v1/format", "", 400);
    assertThat(body.at("/error/message").asText()).isNotBlank();
  }

  @Test
  void aBodyOverTheLimitIs413() {
    String big = "{\"user_input\": \"" + "a".repeat(8000) + "\"}";
    JsonNode body = post("/v1/format", big, 413);
    assertThat(body.at("/error/type").asText()).isEqualTo("request_too_large");
  }

  @Test
  void aConversationThatCannotFitIs413WithTheNumbers() {
    // max_tokens leaves 6 prompt tokens: no LLaMA 2 turn fits in that.
    JsonNode body =
        post(
            "/v1/format",
            "{\"user_input\": \"Tell me a long story about the sea\","
                + " \"parameters\": {\"max_tokens\": 4090}}",
            413);
    assertThat(body.at("/error/message").asText()).contains("4096");
  }

  @Test
  void unknownRoutesAnswerInTheErrorShape() {
    JsonNode body = exchange(http.get().uri("/v1/nope").exchange(), 404);
    assertThat(body.at("/error/type").asText()).isEqualTo("not_found");
    assertThat(body.at("/error/message").asText()).contains("/v1/nope");
  }

  @Test
  void healthNamesTheModelsAndTheirTokenizers() {
    JsonNode body = exchange(http.get().uri("/health").exchange(), 200);
    assertThat(body.at("/status").asText()).isEqualTo("ok");
    assertThat(body.at("/default_model").asText()).isEqualTo("llama-2-7b-chat");
    assertThat(body.at("/models/0/context_window").asInt()).isEqualTo(4096);
    assertThat(body.at("/models/0/tokenizer").asText()).contains("embedded");
  }

  private JsonNode post(String path, String json, int status) {
    return exchange(
        http.post().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue(json).exchange(),
        status);
  }

  private static JsonNode exchange(WebTestClient.ResponseSpec response, int status) {
    EntityExchangeResult<byte[]> result =
        response.expectStatus().isEqualTo(status).expectBody().returnResult();
    assertThat(result.getResponseHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
    assertThat(result.getResponseHeaders().getFirst("x-request-id")).isNotBlank();
    try {
      return ProtocolJson.mapper().readTree(result.getResponseBody());
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
