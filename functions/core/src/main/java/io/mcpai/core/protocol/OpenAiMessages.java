package io.mcpai.core.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;

/** Reading OpenAI chat messages into the protocol, shared by the gateway's API and batch lines. */
public final class OpenAiMessages {
  private OpenAiMessages() {}

  /**
   * A message's text: a string, or an array of {@code {"type":"text","text":...}} parts joined.
   * Anything else adds a problem at {@code param} (e.g. {@code messages[3].content}) and reads as
   * empty text, so validation goes on and reports every problem at once.
   */
  public static JsonNode text(JsonNode message, String param, List<Problem> problems) {
    JsonNode c = message.get("content");
    if (c != null && c.isTextual()) {
      return c;
    }
    if (c != null && c.isArray()) {
      StringBuilder sb = new StringBuilder();
      for (JsonNode part : c) {
        if (!"text".equals(part.path("type").asText()) || !part.path("text").isTextual()) {
          problems.add(Problem.invalid(param, "only text content parts are supported"));
          return JsonNodeFactory.instance.textNode("");
        }
        sb.append(part.get("text").asText());
      }
      return JsonNodeFactory.instance.textNode(sb.toString());
    }
    problems.add(Problem.invalid(param, "content must be a string or an array of text parts"));
    return JsonNodeFactory.instance.textNode("");
  }
}
