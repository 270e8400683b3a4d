package io.mcpai.batch;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mcpai.core.protocol.OpenAiMessages;
import io.mcpai.core.protocol.Problem;
import io.mcpai.core.protocol.ProtocolException;
import io.mcpai.core.protocol.ProtocolJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads one input line: a protocol request with a {@code custom_id} ({@code {"custom_id": "q1",
 * "user_input": "...", "parameters": {...}}}), or an OpenAI batch-file line ({@code {"custom_id",
 * "method": "POST", "url": "/v1/chat/completions", "body": {chat request}}}), whose chat body is
 * mapped onto the protocol the way the gateway's {@code /v1/chat/completions} maps it. Only the
 * envelope is checked here; the request itself is validated by core's {@code RequestParser} in the
 * next stage, so a batch line and an HTTP request are held to the same rules.
 */
public final class InputLine {
  static final int MAX_CUSTOM_ID_CHARS = 512;
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Set<String> OPENAI_ENVELOPE = Set.of("custom_id", "method", "url", "body");
  private static final Set<String> CHAT_URLS = Set.of("/v1/chat/completions", "/chat/completions");
  private static final Set<String> CHAT_FIELDS =
      Set.of(
          "model",
          "messages",
          "max_tokens",
          "max_completion_tokens",
          "temperature",
          "top_p",
          "stop",
          "seed",
          "n");
  // Sent by OpenAI clients, change nothing here: accepted and ignored, as by the gateway.
  private static final Set<String> CHAT_IGNORED =
      Set.of(
          "user",
          "frequency_penalty",
          "presence_penalty",
          "logit_bias",
          "logprobs",
          "top_logprobs",
          "metadata",
          "store",
          "service_tier",
          "parallel_tool_calls",
          "stream");

  private InputLine() {}

  /** A line that could not be read, with the custom_id when it had one. */
  public static final class Invalid extends RuntimeException {
    private final String customId;
    private final ProtocolException problems;

    Invalid(String customId, ProtocolException problems) {
      super(problems.getMessage());
      this.customId = customId;
      this.problems = problems;
    }

    public String customId() {
      return customId;
    }

    public ProtocolException problems() {
      return problems;
    }
  }

  /**
   * @throws Invalid when the line is not JSON, has no usable custom_id, or its envelope is wrong
   */
  public static Prompt parse(String line, String source) {
    JsonNode root;
    try {
      root = ProtocolJson.mapper().readTree(line);
    } catch (JacksonException e) {
      throw new Invalid(
          null, invalid(400, null, "the line is not valid JSON: " + e.getOriginalMessage()));
    }
    if (root == null || !root.isObject()) {
      throw new Invalid(null, invalid(400, null, "the line must be a JSON object"));
    }
    JsonNode id = root.get("custom_id");
    if (id == null || id.isNull()) {
      throw new Invalid(
          null, invalid(422, "custom_id", "custom_id is required: results are keyed by it"));
    }
    if (!id.isTextual() || id.asText().isBlank() || id.asText().length() > MAX_CUSTOM_ID_CHARS) {
      throw new Invalid(
          null,
          invalid(
              422, "custom_id", "custom_id must be a non-blank string of at most 512 characters"));
    }
    String customId = id.asText();
    ObjectNode obj = ((ObjectNode) root).deepCopy();
    obj.remove("custom_id");
    if (obj.has("body") || obj.has("url") || obj.has("method")) {
      return new Prompt(customId, source, Prompt.OPENAI, openAi(customId, obj));
    }
    return new Prompt(customId, source, Prompt.PROTOCOL, obj);
  }

  private static JsonNode openAi(String customId, ObjectNode line) {
    List<Problem> problems = new ArrayList<>();
    line.fieldNames()
        .forEachRemaining(
            f -> {
              if (!OPENAI_ENVELOPE.contains(f)) {
                problems.add(Problem.invalid(f, "unknown field of an OpenAI batch line"));
              }
            });
    JsonNode method = line.get("method");
    if (method != null && !"POST".equals(method.asText())) {
      problems.add(Problem.invalid("method", "must be POST", "POST"));
    }
    JsonNode url = line.get("url");
    if (url == null || !CHAT_URLS.contains(url.asText())) {
      problems.add(
          Problem.invalid("url", "only /v1/chat/completions is supported", "/v1/chat/completions"));
    }
    JsonNode body = line.get("body");
    if (body == null || !body.isObject()) {
      problems.add(Problem.invalid("body", "must be a chat completions request object"));
    }
    if (!problems.isEmpty()) {
      throw new Invalid(customId, ProtocolException.of(problems));
    }
    return chatToProtocol(customId, body, problems);
  }

  /**
   * A chat body as a protocol request: a leading system (or developer) message becomes {@code
   * system_prompt}, the last (user) message {@code user_input}, the rest the history; {@code
   * max_tokens} or {@code max_completion_tokens}, {@code temperature}, {@code top_p}, {@code stop},
   * {@code seed} become parameters. Problems name the chat body's paths.
   */
  static JsonNode chatToProtocol(String customId, JsonNode body, List<Problem> problems) {
    body.fieldNames()
        .forEachRemaining(
            f -> {
              if (!CHAT_FIELDS.contains(f) && !CHAT_IGNORED.contains(f)) {
                problems.add(
                    Problem.invalid(
                        "body." + f,
                        "unknown or unsupported field (tools and response_format are not"
                            + " supported)"));
              }
            });
    if (body.path("stream").asBoolean(false)) {
      problems.add(Problem.invalid("body.stream", "a batch line cannot stream"));
    }
    JsonNode n = body.get("n");
    if (n != null && !n.isNull() && !(n.isIntegralNumber() && n.asInt() == 1)) {
      problems.add(Problem.invalid("body.n", "only n = 1 is supported", 1));
    }
    ObjectNode protocol = NODES.objectNode();
    JsonNode model = body.get("model");
    if (model != null && !model.isNull()) {
      protocol.set("model", model);
    }
    JsonNode messages = body.get("messages");
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      problems.add(Problem.invalid("body.messages", "must be a non-empty array"));
    } else {
      int first = 0;
      String role0 = messages.get(0).path("role").asText("");
      if (role0.equals("system") || role0.equals("developer")) {
        protocol.set("system_prompt", text(messages.get(0), 0, problems));
        first = 1;
      }
      int last = messages.size() - 1;
      if (last < first) {
        problems.add(Problem.invalid("body.messages", "needs a user message"));
      } else if (!"user".equals(messages.get(last).path("role").asText())) {
        problems.add(
            Problem.invalid(
                "body.messages[" + last + "].role", "the last message must be from the user"));
      } else {
        protocol.set("user_input", text(messages.get(last), last, problems));
      }
      ArrayNode history = NODES.arrayNode();
      for (int i = first; i < last; i++) {
        ObjectNode h = NODES.objectNode();
        JsonNode role = messages.get(i).path("role");
        h.set("role", role.isTextual() ? role : NODES.textNode(""));
        h.set("content", text(messages.get(i), i, problems));
        history.add(h);
      }
      if (!history.isEmpty()) {
        protocol.set("conversation_history", history);
      }
    }
    ObjectNode params = NODES.objectNode();
    JsonNode max =
        body.hasNonNull("max_completion_tokens")
            ? body.get("max_completion_tokens")
            : body.get("max_tokens");
    for (String[] f :
        new String[][] {
          {"temperature", "temperature"}, {"top_p", "top_p"}, {"stop", "stop"}, {"seed", "seed"}
        }) {
      JsonNode v = body.get(f[0]);
      if (v != null && !v.isNull()) {
        params.set(f[1], v);
      }
    }
    if (max != null && !max.isNull()) {
      params.set("max_tokens", max);
    }
    if (!params.isEmpty()) {
      protocol.set("parameters", params);
    }
    if (!problems.isEmpty()) {
      throw new Invalid(customId, ProtocolException.of(problems));
    }
    return protocol;
  }

  private static JsonNode text(JsonNode m, int i, List<Problem> problems) {
    return OpenAiMessages.text(m, "body.messages[" + i + "].content", problems);
  }

  private static ProtocolException invalid(int status, String param, String message) {
    return ProtocolException.of(List.of(new Problem(param, message, null, status)));
  }
}
