package io.mcpai.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mcpai.core.protocol.ProtocolJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * With {@code mcp.model.dir} pointing at the real LLaMA 2 tokenizer, the route answers the ids
 * every LLaMA 2 chat prompt is known to start and end with. Skipped when ../shared is absent.
 */
@SpringBootTest(
    webEnvironment = WebEnvironment.RANDOM_PORT,
    properties = {"MCP_MODEL_SERVICE_AWS=http://127.0.0.1:9", "MCP_REQUEST_LOG=off"})
@EnabledIf(
    value = "referenceTokenizerPresent",
    disabledReason = "skipped: ../shared/models/llama2-tokenizer/tokenizer.model is absent")
class RealLlamaTokenizerRouteTest {
  static Path dir() {
    return Path.of(System.getProperty("mcp.shared.dir", "../../../shared"))
        .resolve("models/llama2-tokenizer");
  }

  static boolean referenceTokenizerPresent() {
    return Files.exists(dir().resolve("tokenizer.model"));
  }

  @DynamicPropertySource
  static void modelDir(DynamicPropertyRegistry registry) {
    registry.add("mcp.model.dir", () -> dir().toString());
  }

  @Autowired WebTestClient http;

  @Test
  void countsWithTheRealLlama2Tokenizer() throws Exception {
    byte[] raw =
        http.post()
            .uri("/v1/format")
            .contentType(MediaType.APPLICATION_JSON)
            .bodyValue(
                "{\"user_input\": \"Hello world\", \"parameters\": {\"return_token_ids\": true}}")
            .exchange()
            .expectStatus()
            .isOk()
            .expectBody()
            .returnResult()
            .getResponseBody();
    JsonNode body = ProtocolJson.mapper().readTree(raw);
    List<Integer> ids = new ArrayList<>();
    body.at("/token_ids").forEach(n -> ids.add(n.asInt()));
    // <s> ▁[ INST ] ... ▁[ / INST ]   (LLaMA 2 vocabulary ids)
    assertThat(ids.subList(0, 4)).containsExactly(1, 518, 25580, 29962);
    assertThat(ids.subList(ids.size() - 4, ids.size())).containsExactly(518, 29914, 25580, 29962);
    // "[INST] Hello world [/INST]" : ▁Hello=15043, ▁world=3186 between the tags.
    assertThat(ids).containsSubsequence(15043, 3186);
    assertThat(ids).hasSize(body.at("/prompt_tokens").asInt());
    assertThat(body.at("/metadata/tokenizer").asText()).contains("llama2-tokenizer");
  }
}
