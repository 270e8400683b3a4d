package io.mcpai.inference.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.mcpai.core.template.Dialog;
import io.mcpai.core.template.Llama2ChatTemplate;
import io.mcpai.core.template.SegmentEncoder;
import io.mcpai.core.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI chat messages as a LLaMA 2 prompt. The formatting itself is core's {@link
 * Llama2ChatTemplate}, the one the gateway counts with, so the endpoint and the gateway agree id
 * for id; this class only maps and checks the messages. One instance per server: its segment cache
 * makes a conversation that grew by a turn cost only the new turn's tokenization.
 */
final class ChatPrompt {
  private static final Llama2ChatTemplate TEMPLATE = new Llama2ChatTemplate();

  private final SegmentEncoder encoder;

  ChatPrompt(Tokenizer tokenizer) {
    this.encoder = new SegmentEncoder(tokenizer);
  }

  record Message(String role, String content) {}

  static List<Message> parse(JsonNode messages) {
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      throw ApiError.invalid("messages", "messages must be a non-empty array");
    }
    List<Message> out = new ArrayList<>();
    for (int i = 0; i < messages.size(); i++) {
      JsonNode m = messages.get(i);
      String p = "messages[" + i + "]";
      if (!m.isObject() || !m.path("role").isTextual() || !m.path("content").isTextual()) {
        throw ApiError.invalid(p, p + " must be an object with string role and content");
      }
      Json.onlyKnown(m, java.util.Set.of("role", "content", "name"), p + ".");
      String role = m.get("role").asText();
      if (!List.of("system", "user", "assistant").contains(role)) {
        throw ApiError.invalid(
            p + ".role", "role must be system, user or assistant, got '" + role + "'");
      }
      out.add(new Message(role, m.get("content").asText()));
    }
    return out;
  }

  int[] encode(List<Message> messages) {
    String system = null;
    int start = 0;
    if (messages.get(0).role().equals("system")) {
      if (messages.size() < 2) {
        throw ApiError.invalid("messages", "a system message must be followed by a user message");
      }
      system = messages.get(0).content();
      start = 1;
    }
    for (int i = start; i < messages.size(); i++) {
      String want = (i - start) % 2 == 0 ? "user" : "assistant";
      if (!messages.get(i).role().equals(want)) {
        throw ApiError.invalid(
            "messages[" + i + "].role",
            "LLaMA 2 chat needs user and assistant turns alternating, starting and ending with"
                + " user; expected "
                + want);
      }
    }
    if ((messages.size() - start) % 2 == 0) {
      throw ApiError.invalid("messages", "the last message must be from the user");
    }
    List<Dialog.Pair> pairs = new ArrayList<>();
    for (int i = start; i + 1 < messages.size(); i += 2) {
      pairs.add(new Dialog.Pair(i, messages.get(i).content(), messages.get(i + 1).content()));
    }
    Dialog dialog = new Dialog(system, pairs, messages.get(messages.size() - 1).content());
    return TEMPLATE.render(dialog, 0, encoder).ids();
  }
}
