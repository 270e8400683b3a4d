package io.mcpai.inference.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.mcpai.core.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * LLaMA 2 chat formatting, token by token as Meta's {@code chat_completion} does it: each user /
 * assistant exchange is {@code BOS "[INST] user [/INST] answer " EOS}, the last user turn is {@code
 * BOS "[INST] user [/INST]"}, and a system message is folded into the first user turn inside {@code
 * <<SYS>>} tags.
 */
final class ChatPrompt {
  private static final String B_INST = "[INST]";
  private static final String E_INST = "[/INST]";
  private static final String B_SYS = "<<SYS>>\n";
  private static final String E_SYS = "\n<</SYS>>\n\n";

  private ChatPrompt() {}

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

  static int[] encode(List<Message> messages, Tokenizer tok) {
    List<Message> dialog = new ArrayList<>(messages);
    if (dialog.get(0).role().equals("system")) {
      if (dialog.size() < 2) {
        throw ApiError.invalid("messages", "a system message must be followed by a user message");
      }
      Message sys = dialog.remove(0);
      Message first = dialog.remove(0);
      if (!first.role().equals("user")) {
        throw ApiError.invalid(
            "messages[1].role", "the message after the system message must be from the user");
      }
      dialog.add(0, new Message("user", B_SYS + sys.content() + E_SYS + first.content()));
    }
    for (int i = 0; i < dialog.size(); i++) {
      String want = i % 2 == 0 ? "user" : "assistant";
      if (!dialog.get(i).role().equals(want)) {
        throw ApiError.invalid(
            "messages",
            "LLaMA 2 chat needs user and assistant turns alternating, starting and ending with user");
      }
    }
    if (dialog.size() % 2 == 0) {
      throw ApiError.invalid("messages", "the last message must be from the user");
    }
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i + 1 < dialog.size(); i += 2) {
      ids.add(tok.bosId());
      for (int id :
          tok.encode(
              B_INST
                  + " "
                  + dialog.get(i).content().strip()
                  + " "
                  + E_INST
                  + " "
                  + dialog.get(i + 1).content().strip()
                  + " ")) {
        ids.add(id);
      }
      ids.add(tok.eosId());
    }
    ids.add(tok.bosId());
    for (int id :
        tok.encode(B_INST + " " + dialog.get(dialog.size() - 1).content().strip() + " " + E_INST)) {
      ids.add(id);
    }
    return ids.stream().mapToInt(Integer::intValue).toArray();
  }
}
