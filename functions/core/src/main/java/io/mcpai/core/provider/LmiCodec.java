package io.mcpai.core.provider;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The SageMaker / DJL Serving LMI wire format, shared by every client that talks to an LMI
 * container (directly, or through SageMaker, Vertex AI or Azure ML): {@code {"inputs",
 * "parameters": {max_new_tokens, temperature, top_p, stop_sequences, seed, details}, "stream"}} in;
 * {@code {"generated_text", "details": {finish_reason, generated_tokens}}} or JSON lines {@code
 * {"token": {"text", "special"}, "generated_text"}} out. Written with a streaming generator: no
 * reflection on the request path.
 */
public final class LmiCodec {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFactory FACTORY = JSON.getFactory();
  private static final String BOS_TEXT = "<s>";

  private LmiCodec() {}

  /**
   * The request body. An LMI server prepends BOS to {@code inputs}, so the rendered prompt's
   * leading {@code <s>} is left out and the server sees exactly the template's tokens.
   */
  public static byte[] request(GenerationCall call, boolean stream) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(call.prompt().length() + 256);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("inputs", inputs(call.prompt()));
      g.writeObjectFieldStart("parameters");
      g.writeNumberField("max_new_tokens", call.maxNewTokens());
      g.writeNumberField("temperature", call.temperature());
      if (call.temperature() > 0) {
        g.writeNumberField("top_p", call.topP());
      }
      if (!call.stop().isEmpty()) {
        g.writeArrayFieldStart("stop_sequences");
        for (String s : call.stop()) {
          g.writeString(s);
        }
        g.writeEndArray();
      }
      if (call.seed() != null) {
        g.writeNumberField("seed", call.seed());
      }
      // Details carry finish_reason and generated_tokens (on the last line when streaming).
      g.writeBooleanField("details", true);
      g.writeEndObject();
      g.writeBooleanField("stream", stream);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static String inputs(String prompt) {
    return prompt.startsWith(BOS_TEXT) ? prompt.substring(BOS_TEXT.length()) : prompt;
  }

  /** Reads a non-streamed answer. */
  public static Completion response(String provider, byte[] body) {
    JsonNode n;
    try {
      n = JSON.readTree(body);
    } catch (IOException e) {
      throw new ProviderException(
          provider, ProviderException.Kind.PROTOCOL, 200, "answer is not JSON", e);
    }
    if (n.isArray() && n.size() == 1) {
      n = n.get(0); // DJL Serving and TGI answer a one-element array for a single input
    }
    JsonNode text = n.get("generated_text");
    if (text == null || !text.isTextual()) {
      throw new ProviderException(
          provider, ProviderException.Kind.PROTOCOL, 200, "answer has no generated_text", null);
    }
    JsonNode details = n.path("details");
    int tokens = details.path("generated_tokens").asInt(-1);
    return new Completion(
        text.asText(), tokens, Completion.finishReason(details.path("finish_reason").asText(null)));
  }

  /**
   * Reads streamed JSON lines, one token each; the last line carries the whole {@code
   * generated_text}.
   */
  public static final class LineReader implements LineParser {
    private final String provider;
    private final StreamListener listener;
    private int tokens;
    private boolean done;

    public LineReader(String provider, StreamListener listener) {
      this.provider = provider;
      this.listener = listener;
    }

    @Override
    public boolean line(String line) {
      if (done || line.isBlank()) {
        return done;
      }
      if (line.startsWith("data:")) {
        line = line.substring(5); // TGI-style SSE framing of the same objects
      }
      JsonNode n;
      try {
        n = JSON.readTree(line);
      } catch (IOException e) {
        throw new ProviderException(
            provider, ProviderException.Kind.PROTOCOL, 200, "stream line is not JSON", e);
      }
      if (n.has("error")) {
        throw new ProviderException(
            provider,
            ProviderException.Kind.STATUS,
            500,
            "stream error: " + n.get("error").toString(),
            null);
      }
      JsonNode token = n.get("token");
      if (token != null) {
        tokens++;
        if (!token.path("special").asBoolean(false)) {
          String text = token.path("text").asText("");
          if (!text.isEmpty()) {
            listener.onToken(text);
          }
        }
      }
      JsonNode full = n.get("generated_text");
      if (full != null && full.isTextual()) {
        done = true;
        JsonNode details = n.path("details");
        listener.onComplete(
            new Completion(
                full.asText(),
                details.path("generated_tokens").asInt(tokens),
                Completion.finishReason(details.path("finish_reason").asText(null))));
      }
      return done;
    }

    @Override
    public boolean done() {
      return done;
    }
  }
}
