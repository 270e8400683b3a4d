package io.mcpai.batch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes test inputs: valid prompts in both formats, refused lines, and poison prompts. */
final class Prompts {
  /** custom_id to the reason expected in the errors (a substring). */
  final Map<String, String> expectedErrors = new LinkedHashMap<>();

  final List<String> validIds = new ArrayList<>();
  final List<String> poisonIds = new ArrayList<>();
  int refusedWithoutId;

  static String protocol(String id, String text) {
    return "{\"custom_id\":\""
        + id
        + "\",\"user_input\":\""
        + text
        + "\",\"parameters\":{\"max_tokens\":4,\"temperature\":0}}";
  }

  static String openAi(String id, String text) {
    return "{\"custom_id\":\""
        + id
        + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":"
        + "\"llama-2-7b-chat\",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},"
        + "{\"role\":\"user\",\"content\":\""
        + text
        + "\"}],\"max_tokens\":4,\"temperature\":0}}";
  }

  /** {@code n} valid prompts (every third an OpenAI batch line), plus refused and poison lines. */
  Path write(Path file, int n, int poison) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = "q" + i;
      validIds.add(id);
      String text = "Tell me a short story about the number " + i + ".";
      lines.add(i % 3 == 2 ? openAi(id, text) : protocol(id, text));
    }
    // The model's context is 512 tokens; the providers are declared with 4096, so these pass
    // validation and routing and the endpoint refuses them (413).
    String longText = "the quick brown fox jumps over the lazy dog ".repeat(120);
    for (int i = 0; i < poison; i++) {
      String id = "poison" + i;
      poisonIds.add(id);
      expectedErrors.put(id, "HTTP 413");
      lines.add(lines.size() / 2, protocol(id, longText));
    }
    lines.add(3, "{not json");
    refusedWithoutId++;
    lines.add(5, "{\"user_input\":\"no id\"}");
    refusedWithoutId++;
    lines.add(7, "{\"custom_id\":\"bad-field\",\"user_input\":\"hi\",\"max_token\":5}");
    expectedErrors.put("bad-field", "unknown field 'max_token'");
    lines.add(
        9, "{\"custom_id\":\"bad-temp\",\"user_input\":\"hi\",\"parameters\":{\"temperature\":7}}");
    expectedErrors.put("bad-temp", "temperature");
    lines.add(
        11,
        "{\"custom_id\":\"bad-url\",\"method\":\"POST\",\"url\":\"/v1/embeddings\",\"body\":{}}");
    expectedErrors.put("bad-url", "/v1/chat/completions");
    lines.add(13, protocol("q1", "a second line with an id already used"));
    Files.write(file, lines);
    return file;
  }
}
