package io.mcpai.core.protocol;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One thing wrong with a request.
 *
 * @param param JSON path of the offending value, e.g. {@code conversation_history[3].role}; null
 *     when the problem is the body as a whole (malformed JSON)
 * @param message what is wrong and how to fix it
 * @param limit the limit that was hit, when one was (a number, or a list of allowed values)
 * @param status the HTTP status this problem alone calls for (400, 413 or 422)
 */
@JsonPropertyOrder({"param", "message", "limit"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String param, String message, Object limit, @JsonIgnore int status) {

  public static Problem invalid(String param, String message) {
    return new Problem(param, message, null, 422);
  }

  public static Problem invalid(String param, String message, Object limit) {
    return new Problem(param, message, limit, 422);
  }

  public static Problem tooLarge(String param, String message, Object limit) {
    return new Problem(param, message, limit, 413);
  }

  public static Problem malformed(String message) {
    return new Problem(null, message, null, 400);
  }
}
