package io.mcpai.core.template;

import io.mcpai.core.protocol.ChatMessage;
import io.mcpai.core.protocol.ChatRequest;
import io.mcpai.core.protocol.Role;
import java.util.ArrayList;
import java.util.List;

/**
 * A validated conversation in the shape chat templates need: an optional system prompt, the history
 * as whole user/assistant pairs (the unit the context window drops), and the new input.
 *
 * @param system null when there is none
 * @param pairs oldest first
 * @param userInput the open user turn the model answers
 */
public record Dialog(String system, List<Pair> pairs, String userInput) {
  public Dialog {
    pairs = List.copyOf(pairs);
  }

  /**
   * One user turn and the assistant's answer.
   *
   * @param historyIndex index of the user turn in the request's {@code conversation_history}
   */
  public record Pair(int historyIndex, String user, String assistant) {}

  /**
   * The dialog of a request that passed validation: {@code system_prompt}, or a {@code system}
   * entry at {@code conversation_history[0]}, then the alternating turns.
   */
  public static Dialog of(ChatRequest r) {
    List<ChatMessage> h = r.conversationHistory();
    String system = r.systemPrompt();
    int start = 0;
    if (!h.isEmpty() && h.get(0).role() == Role.SYSTEM) {
      if (system != null) {
        throw new IllegalArgumentException("both system_prompt and a system history entry");
      }
      system = h.get(0).content();
      start = 1;
    }
    if ((h.size() - start) % 2 != 0) {
      throw new IllegalArgumentException("history does not form whole user/assistant pairs");
    }
    List<Pair> pairs = new ArrayList<>((h.size() - start) / 2);
    for (int i = start; i < h.size(); i += 2) {
      ChatMessage u = h.get(i);
      ChatMessage a = h.get(i + 1);
      if (u.role() != Role.USER || a.role() != Role.ASSISTANT) {
        throw new IllegalArgumentException("history turns must alternate user/assistant at " + i);
      }
      pairs.add(new Pair(i, u.content(), a.content()));
    }
    return new Dialog(system, pairs, r.userInput());
  }

  public Dialog withUserInput(String input) {
    return new Dialog(system, pairs, input);
  }
}
