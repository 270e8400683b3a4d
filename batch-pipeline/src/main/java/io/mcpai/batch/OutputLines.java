package io.mcpai.batch;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.mcpai.core.protocol.Problem;
import io.mcpai.core.protocol.ProtocolException;
import io.mcpai.core.protocol.ProtocolJson;
import io.mcpai.core.provider.Completion;
import io.mcpai.core.routing.Routed;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The output lines, one JSON object each, keyed by {@code custom_id}.
 *
 * <p>A result (protocol input): {@code {"custom_id", "job_id", "response", "provider", "model",
 * "finish_reason", "usage": {prompt_tokens, completion_tokens, total_tokens}, "retries",
 * "latency_ms", "dropped", "truncated"}}. For an OpenAI batch line, OpenAI's batch output shape:
 * {@code {"id", "custom_id", "response": {"status_code": 200, "request_id", "body":
 * {chat.completion}}, "error": null}}.
 *
 * <p>An error: {@code {"custom_id", "job_id", "source", "stage", "status", "retryable", "error":
 * {"type", "message", "param", "errors": [...]}, "attempts"}}; {@code stage} is {@code parse},
 * {@code duplicate}, {@code validate} or {@code call}. Errors with {@code retryable: false} are
 * final: a re-run skips their ids like done ones; retryable ones (providers down past every retry)
 * are tried again.
 */
public final class OutputLines {
  private OutputLines() {}

  /** Stages an error can come from. */
  public static final String PARSE = "parse";

  public static final String VALIDATE = "validate";
  public static final String CALL = "call";

  /** A second line with an id already seen: reported, never processed. */
  public static final String DUPLICATE = "duplicate";

  interface Writer {
    void write(JsonGenerator g) throws IOException;
  }

  static String json(Writer w) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator g = ProtocolJson.mapper().getFactory().createGenerator(out)) {
      w.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  static String result(PreparedPrompt p, Routed r, String jobId, double latencyMs) {
    Completion c = r.completion();
    int completion = Math.max(0, c.completionTokens());
    String key = IdempotencyKey.of(jobId, p.customId());
    if (Prompt.OPENAI.equals(p.format())) {
      return json(
          g -> {
            g.writeStartObject();
            g.writeStringField("id", "batch_req_" + IdempotencyKey.hash(key));
            g.writeStringField("custom_id", p.customId());
            g.writeObjectFieldStart("response");
            g.writeNumberField("status_code", 200);
            g.writeStringField("request_id", key);
            g.writeObjectFieldStart("body");
            g.writeStringField("id", "chatcmpl-" + IdempotencyKey.hash(key));
            g.writeStringField("object", "chat.completion");
            g.writeNumberField("created", System.currentTimeMillis() / 1000);
            g.writeStringField("model", p.model());
            g.writeArrayFieldStart("choices");
            g.writeStartObject();
            g.writeNumberField("index", 0);
            g.writeObjectFieldStart("message");
            g.writeStringField("role", "assistant");
            g.writeStringField("content", c.text());
            g.writeEndObject();
            g.writeStringField("finish_reason", c.finishReason());
            g.writeEndObject();
            g.writeEndArray();
            usage(g, p.promptTokens(), completion);
            g.writeEndObject();
            g.writeEndObject();
            g.writeNullField("error");
            g.writeStringField("provider", r.provider().name());
            g.writeEndObject();
          });
    }
    return json(
        g -> {
          g.writeStartObject();
          g.writeStringField("custom_id", p.customId());
          g.writeStringField("job_id", jobId);
          g.writeStringField("response", c.text());
          g.writeStringField("provider", r.provider().name());
          g.writeStringField("model", p.model());
          g.writeStringField("finish_reason", c.finishReason());
          usage(g, p.promptTokens(), completion);
          g.writeNumberField("retries", r.retries());
          g.writeNumberField("latency_ms", Math.round(latencyMs * 1000) / 1000.0);
          g.writeNumberField("dropped", p.dropped());
          g.writeBooleanField("truncated", p.truncated());
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

  /** An error line from a refused request (parse or validation). */
  static String error(
      String customId, String source, String stage, ProtocolException e, String jobId) {
    return error(
        customId,
        source,
        stage,
        e.status(),
        e.type(),
        e.getMessage(),
        e.problems().get(0).param(),
        e.problems(),
        false,
        0,
        jobId);
  }

  static String error(
      String customId,
      String source,
      String stage,
      int status,
      String type,
      String message,
      String param,
      List<Problem> problems,
      boolean retryable,
      int attempts,
      String jobId) {
    return json(
        g -> {
          g.writeStartObject();
          g.writeStringField("custom_id", customId);
          g.writeStringField("job_id", jobId);
          g.writeStringField("source", source);
          g.writeStringField("stage", stage);
          g.writeNumberField("status", status);
          g.writeBooleanField("retryable", retryable);
          g.writeObjectFieldStart("error");
          g.writeStringField("type", type);
          g.writeStringField("message", message);
          g.writeStringField("param", param);
          if (problems != null && !problems.isEmpty()) {
            g.writeFieldName("errors");
            ProtocolJson.mapper().writeValue(g, problems);
          }
          g.writeEndObject();
          g.writeNumberField("attempts", attempts);
          g.writeEndObject();
        });
  }

  /** What a part line says about its id, for resuming and merging. */
  record Seen(String customId, String source, String stage, boolean result, boolean finalError) {
    /** The key merging dedupes errors on: the id, or the source line (no id, or a duplicate). */
    String key() {
      return customId != null && !DUPLICATE.equals(stage) ? customId : "@" + source;
    }

    /** Whether a re-run skips this id: it has a result or a final error of its own. */
    boolean done() {
      return customId != null && !DUPLICATE.equals(stage) && (result || finalError);
    }
  }

  static Seen seen(String line, boolean resultsFile) {
    try {
      JsonNode n = ProtocolJson.mapper().readTree(line);
      String id = n.path("custom_id").isTextual() ? n.get("custom_id").asText() : null;
      String source = n.path("source").asText(null);
      String stage = n.path("stage").asText(null);
      return new Seen(
          id, source, stage, resultsFile, !resultsFile && !n.path("retryable").asBoolean());
    } catch (IOException e) {
      return new Seen(null, null, null, false, false);
    }
  }
}
