package io.mcpai.app;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mcpai.core.protocol.OpenAiMessages;
import io.mcpai.core.protocol.Problem;
import io.mcpai.core.protocol.ProtocolException;
import io.mcpai.core.protocol.ProtocolJson;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * OpenAI's chat-completions wire format mapped onto the protocol: a leading {@code system} (or
 * {@code developer}) message becomes {@code system_prompt}, the last message (a {@code user} one)
 * {@code user_input}, the rest {@code conversation_history}; {@code max_tokens} (or {@code
 * max_completion_tokens}), {@code temperature}, {@code top_p}, {@code stop}, {@code seed} become
 * parameters. The protocol's validator then checks everything, and its problems are renamed back to
 * the OpenAI request's paths ({@code messages[3].content}).
 */
final class OpenAiChat {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Fields we act on. */
  private static final Set<String> KNOWN =
      Set.of(
          "model",
          "messages",
          "max_tokens",
          "max_completion_tokens",
          "temperature",
          "top_p",
          "stop",
          "seed",
          "stream",
          "stream_options",
          "n");

  /** Fields OpenAI clients commonly send that change nothing here; accepted and ignored. */
  private static final Set<String> IGNORED =
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
          "parallel_tool_calls");

  private OpenAiChat() {}

  /** A parsed chat request: the protocol body and the streaming options. */
  record Parsed(
      JsonNode protocol, String model, boolean stream, boolean includeUsage, Paths paths) {}

  /** Where each protocol path came from in the OpenAI request. */
  record Paths(int historyOffset, int last, boolean hasSystem) {
    String rename(String param) {
      if (param == null) {
        return null;
      }
      if (param.startsWith("parameters.")) {
        return param.substring("parameters.".length());
      }
      if (param.equals("user_input")) {
        return "messages[" + last + "].content";
      }
      if (param.equals("system_prompt")) {
        return "messages[0].content";
      }
      if (param.startsWith("conversation_history[")) {
        int close = param.indexOf(']');
        try {
          int k = Integer.parseInt(param.substring("conversation_history[".length(), close));
          return "messages[" + (k + historyOffset) + "]" + param.substring(close + 1);
        } catch (NumberFormatException e) {
          return param;
        }
      }
      return param;
    }
  }

  static Parsed parse(String body) {
    JsonNode root;
    try {
      root = ProtocolJson.mapper().readTree(body == null ? "" : body);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw invalid(400, null, "the body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw invalid(400, null, "the body is not valid JSON");
    }
    if (root == null || !root.isObject()) {
      throw invalid(400, null, "the body must be a JSON object");
    }
    List<Problem> problems = new ArrayList<>();
    root.fieldNames()
        .forEachRemaining(
            f -> {
              if (!KNOWN.contains(f) && !IGNORED.contains(f)) {
                problems.add(
                    Problem.invalid(
                        f,
                        "unknown or unsupported field '"
                            + f
                            + "' (tools, "
                            + "functions and response_format are not supported)"));
              }
            });
    JsonNode model = root.get("model");
    if (model == null || !model.isTextual() || model.asText().isBlank()) {
      problems.add(Problem.invalid("model", "model is required (see GET /v1/models)"));
    }
    JsonNode n = root.get("n");
    if (n != null && !n.isNull() && !(n.isIntegralNumber() && n.asInt() == 1)) {
      problems.add(Problem.invalid("n", "only n = 1 is supported", 1));
    }
    JsonNode messages = root.get("messages");
    ObjectNode protocol = NODES.objectNode();
    Paths paths = new Paths(0, 0, false);
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      problems.add(Problem.invalid("messages", "messages must be a non-empty array"));
    } else {
      int first = 0;
      String role0 = messages.get(0).path("role").asText("");
      boolean hasSystem = role0.equals("system") || role0.equals("developer");
      if (hasSystem) {
        protocol.set("system_prompt", content(messages.get(0), 0, problems));
        first = 1;
      }
      int last = messages.size() - 1;
      JsonNode lastMsg = messages.get(last);
      if (last < first) {
        problems.add(
            Problem.invalid("messages", "messages needs a user message after the system one"));
      } else if (!"user".equals(lastMsg.path("role").asText())) {
        problems.add(
            Problem.invalid(
                "messages[" + last + "].role",
                "the last message must be from the user, got '"
                    + lastMsg.path("role").asText()
                    + "'"));
      } else {
        protocol.set("user_input", content(lastMsg, last, problems));
      }
      ArrayNode history = NODES.arrayNode();
      for (int i = first; i < last; i++) {
        JsonNode m = messages.get(i);
        ObjectNode h = NODES.objectNode();
        h.set("role", m.path("role").isTextual() ? m.get("role") : NODES.textNode(""));
        h.set("content", content(m, i, problems));
        history.add(h);
      }
      if (!history.isEmpty()) {
        protocol.set("conversation_history", history);
      }
      paths = new Paths(first, last, hasSystem);
    }
    if (model != null && model.isTextual()) {
      protocol.set("model", model);
    }
    ObjectNode params = NODES.objectNode();
    JsonNode max =
        root.hasNonNull("max_completion_tokens")
            ? root.get("max_completion_tokens")
            : root.get("max_tokens");
    copy(max, "max_tokens", params);
    copy(root.get("temperature"), "temperature", params);
    copy(root.get("top_p"), "top_p", params);
    copy(root.get("stop"), "stop", params);
    copy(root.get("seed"), "seed", params);
    if (!params.isEmpty()) {
      protocol.set("parameters", params);
    }
    JsonNode stream = root.get("stream");
    if (stream != null && !stream.isNull() && !stream.isBoolean()) {
      problems.add(Problem.invalid("stream", "stream must be a boolean"));
    }
    if (!problems.isEmpty()) {
      throw ProtocolException.of(problems);
    }
    return new Parsed(
        protocol,
        model.asText(),
        stream != null && stream.asBoolean(false),
        root.path("stream_options").path("include_usage").asBoolean(false),
        paths);
  }

  private static void copy(JsonNode v, String as, ObjectNode params) {
    if (v != null && !v.isNull()) {
      params.set(as, v);
    }
  }

  private static JsonNode content(JsonNode m, int i, List<Problem> problems) {
    return OpenAiMessages.text(m, "messages[" + i + "].content", problems);
  }

  private static ProtocolException invalid(int status, String param, String message) {
    return new ProtocolException(
        status,
        status == 400 ? ProtocolException.MALFORMED : ProtocolException.INVALID,
        List.of(new Problem(param, message, null, status)));
  }

  /** A protocol error with its params renamed to the OpenAI request's. */
  static ProtocolException renamed(ProtocolException e, Paths paths) {
    List<Problem> ps = new ArrayList<>(e.problems().size());
    for (Problem p : e.problems()) {
      ps.add(new Problem(paths.rename(p.param()), p.message(), p.limit(), p.status()));
    }
    return new ProtocolException(e.status(), e.type(), ps);
  }

  /** OpenAI's error body: {@code {"error":{"message","type","param","code"}}}. */
  static String errorJson(int status, String type, String message, String param) {
    String oaType =
        switch (status) {
          case 401 -> "authentication_error";
          case 403 -> "permission_error";
          case 404 -> "invalid_request_error";
          case 429 -> "rate_limit_error";
          default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
    return json(
        message.length() + 96,
        g -> {
          g.writeStartObject();
          g.writeObjectFieldStart("error");
          g.writeStringField("message", message);
          g.writeStringField("type", oaType);
          g.writeStringField("param", param);
          g.writeStringField("code", type);
          g.writeEndObject();
          g.writeEndObject();
        });
  }

  /** One {@code chat.completion.chunk}, as a JSON string. */
  static String chunk(
      String id,
      long created,
      String model,
      String role,
      String content,
      String finishReason,
      int promptTokens,
      int completionTokens) {
    return json(
        128 + (content == null ? 0 : content.length()),
        g -> {
          g.writeStartObject();
          g.writeStringField("id", id);
          g.writeStringField("object", "chat.completion.chunk");
          g.writeNumberField("created", created);
          g.writeStringField("model", model);
          g.writeArrayFieldStart("choices");
          g.writeStartObject();
          g.writeNumberField("index", 0);
          g.writeObjectFieldStart("delta");
          if (role != null) {
            g.writeStringField("role", role);
          }
          if (content != null) {
            g.writeStringField("content", content);
          }
          g.writeEndObject();
          g.writeStringField("finish_reason", finishReason);
          g.writeNullField("logprobs");
          g.writeEndObject();
          g.writeEndArray();
          if (finishReason != null) {
            usage(g, promptTokens, completionTokens);
          }
          g.writeEndObject();
        });
  }

  /** A non-streamed {@code chat.completion}. */
  static String completion(
      String id,
      long created,
      String model,
      String content,
      String finishReason,
      int promptTokens,
      int completionTokens) {
    return json(
        256 + content.length(),
        g -> {
          g.writeStartObject();
          g.writeStringField("id", id);
          g.writeStringField("object", "chat.completion");
          g.writeNumberField("created", created);
          g.writeStringField("model", model);
          g.writeArrayFieldStart("choices");
          g.writeStartObject();
          g.writeNumberField("index", 0);
          g.writeObjectFieldStart("message");
          g.writeStringField("role", "assistant");
          g.writeStringField("content", content);
          g.writeNullField("refusal");
          g.writeEndObject();
          g.writeNullField("logprobs");
          g.writeStringField("finish_reason", finishReason);
          g.writeEndObject();
          g.writeEndArray();
          usage(g, promptTokens, completionTokens);
          g.writeEndObject();
        });
  }

  private static void usage(JsonGenerator g, int prompt, int completion) throws IOException {
    g.writeObjectFieldStart("usage");
    g.writeNumberField("prompt_tokens", prompt);
    g.writeNumberField("completion_tokens", completion);
    g.writeNumberField("total_tokens", prompt + completion);
    g.writeEndObject();
  }

  /** What a writer puts into one JSON document. */
  private interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  /** One small JSON document written by hand (no tree, no reflection: these are per token). */
  private static String json(int sizeHint, Body body) {
    StringWriter w = new StringWriter(sizeHint);
    try (JsonGenerator g = ProtocolJson.mapper().getFactory().createGenerator(w)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }
}
