package io.mcpai.core.session;

import io.mcpai.core.protocol.ChatMessage;
import io.mcpai.core.template.SegmentEncoder.EncodedSegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A stored conversation as loaded: the system prompt in force, the answered turns oldest first, and
 * the version appends are checked against.
 *
 * @param version appends so far; 0 for a session that does not exist (yet)
 */
public record Session(
    SessionKey key, String system, List<Turn> turns, long version, long updatedAtMillis) {
  public Session {
    turns = List.copyOf(turns);
  }

  public static Session empty(SessionKey key) {
    return new Session(key, null, List.of(), 0, 0);
  }

  public boolean exists() {
    return version > 0;
  }

  /** The turns as protocol history: user, assistant, user, ... */
  public List<ChatMessage> history() {
    List<ChatMessage> h = new ArrayList<>(2 * turns.size());
    for (Turn t : turns) {
      h.add(ChatMessage.user(t.user()));
      h.add(ChatMessage.assistant(t.assistant()));
    }
    return h;
  }

  /** Every stored segment computed by {@code tokenizer}. */
  public List<EncodedSegment> segments(String tokenizer) {
    List<EncodedSegment> out = new ArrayList<>();
    for (Turn t : turns) {
      if (tokenizer.equals(t.tokenizer())) {
        out.addAll(t.segments());
      }
    }
    return out;
  }
}
