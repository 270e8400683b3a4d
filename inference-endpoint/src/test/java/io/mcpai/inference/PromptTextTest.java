package io.mcpai.inference;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpai.core.template.Dialog;
import io.mcpai.core.template.Llama2ChatTemplate;
import io.mcpai.core.template.Rendering;
import io.mcpai.core.template.SegmentEncoder;
import io.mcpai.core.tokenizer.TokenizerLoader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway sends a multi-turn LLaMA 2 prompt as text to {@code /invocations}; the endpoint must
 * read it back as exactly the ids core's template built ({@code <s>}/{@code </s>} as control
 * tokens, no extra BOS), which TGI's {@code decoder_input_details} lets a caller see.
 */
class PromptTextTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient http = HttpClient.newHttpClient();
  @TempDir static Path tmp;
  static Main.Running server;

  @BeforeAll
  static void start() throws Exception {
    server =
        Main.start(
            Main.Settings.from(
                new String[] {"serve", "--server.port=0"},
                Map.of("MCP_CACHE_DIR", tmp.toString(), "MCP_BIND_ADDRESS", "127.0.0.1")));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aRenderedMultiTurnPromptIsReadAsTheTemplatesExactIds() throws Exception {
    Dialog dialog =
        new Dialog(
            "You are terse.",
            List.of(
                new Dialog.Pair(0, "Hi there", "Hello."),
                new Dialog.Pair(2, "How are you?", "Fine, thanks.")),
            "Name a colour.");
    Rendering rendering =
        new Llama2ChatTemplate().render(dialog, 0, new SegmentEncoder(TokenizerLoader.embedded()));

    JsonNode answer =
        post(
            "/invocations",
            "{\"inputs\": "
                + JSON.writeValueAsString(rendering.prompt())
                + ", \"parameters\": {\"max_new_tokens\": 4, \"details\": true,"
                + " \"decoder_input_details\": true}}");

    List<Integer> read = new ArrayList<>();
    answer.at("/details/prefill").forEach(t -> read.add(t.get("id").asInt()));
    assertThat(read).containsExactlyElementsOf(Arrays.stream(rendering.ids()).boxed().toList());
    assertThat(read.stream().filter(id -> id == 1)).as("one BOS per turn").hasSize(3);
  }

  private static JsonNode post(String path, String body) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }
}
