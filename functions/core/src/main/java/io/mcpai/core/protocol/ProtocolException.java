package io.mcpai.core.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Comparator;
import java.util.List;

/**
 * A request we refuse, with every problem found at once.
 *
 * <p>Status: 400 when the body is not JSON (or not an object); 413 when every problem is a size
 * limit (body, content length, or a conversation that cannot fit the context window); otherwise
 * 422. Renders (via {@link #body()}) to the conventions' error shape plus the full list:
 *
 * <pre>{@code
 * {"error": {"type": "invalid_request", "message": "...", "param": "conversation_history[3].role",
 *            "errors": [{"param": "...", "message": "...", "limit": 2.0}, ...]}}
 * }</pre>
 */
public final class ProtocolException extends RuntimeException {
  public static final String MALFORMED = "malformed_request";
  public static final String INVALID = "invalid_request";
  public static final String TOO_LARGE = "request_too_large";
  public static final String CONTEXT_LENGTH = "context_length_exceeded";

  private final int status;
  private final String type;
  private final List<Problem> problems;

  public ProtocolException(int status, String type, List<Problem> problems) {
    super(summary(problems));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a ProtocolException needs at least one problem");
    }
    this.status = status;
    this.type = type;
    this.problems = List.copyOf(problems);
  }

  /** Picks status and type from the problems: 400 beats 422 beats 413. */
  public static ProtocolException of(List<Problem> problems) {
    int status =
        problems.stream()
            .map(Problem::status)
            .min(Comparator.comparingInt(ProtocolException::rank))
            .orElse(422);
    String type =
        switch (status) {
          case 400 -> MALFORMED;
          case 413 -> TOO_LARGE;
          default -> INVALID;
        };
    return new ProtocolException(status, type, problems);
  }

  private static int rank(int status) {
    return switch (status) {
      case 400 -> 0;
      case 422 -> 1;
      default -> 2;
    };
  }

  private static String summary(List<Problem> problems) {
    if (problems.isEmpty()) {
      return "invalid request";
    }
    Problem first = problems.get(0);
    String head = first.param() == null ? first.message() : first.param() + ": " + first.message();
    int more = problems.size() - 1;
    return more == 0
        ? head
        : head + " (and " + more + " more problem" + (more == 1 ? "" : "s") + ", see errors)";
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  public List<Problem> problems() {
    return problems;
  }

  /** The JSON body for an HTTP error response. */
  public ErrorBody body() {
    return new ErrorBody(
        new ErrorBody.Error(type, getMessage(), problems.get(0).param(), problems));
  }

  /** The body serialized with {@link ProtocolJson}. */
  public String toJson() {
    return ProtocolJson.write(body());
  }

  /** {@code {"error": {type, message, param, errors}}}. */
  public record ErrorBody(Error error) {
    @JsonPropertyOrder({"type", "message", "param", "errors"})
    public record Error(
        String type,
        String message,
        @JsonInclude(JsonInclude.Include.ALWAYS) String param,
        List<Problem> errors) {}
  }
}
