package io.mcpai.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.mcpai.core.context.FormattedContext;
import io.mcpai.core.protocol.ChatMessage;
import io.mcpai.core.provider.GenerationCall;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * A validated, formatted prompt ready to send: the exact text and token count from core's {@code
 * ContextFormatter}, the parameters as applied, and the provider the request named (if any). It
 * travels to the call stage as JSON, so the call stage never formats twice.
 *
 * @param dropped history pairs the context window left out
 * @param truncated whether the input was cut ({@code overflow: truncate_middle})
 */
public record PreparedPrompt(
    String customId,
    String source,
    String format,
    String model,
    String prompt,
    List<ChatMessage> messages,
    int promptTokens,
    int maxTokens,
    double temperature,
    double topP,
    List<String> stop,
    Long seed,
    String provider,
    int dropped,
    boolean truncated) {

  static PreparedPrompt of(Prompt p, FormattedContext fc) {
    FormattedContext.Metadata m = fc.metadata();
    return new PreparedPrompt(
        p.customId(),
        p.source(),
        p.format(),
        m.model(),
        fc.prompt(),
        fc.messages(),
        fc.promptTokens(),
        m.maxTokens(),
        m.temperature(),
        m.topP(),
        m.stop(),
        m.seed(),
        m.provider(),
        fc.dropped().size(),
        fc.truncated() != null);
  }

  /** The call, with the idempotency key as its request id. */
  GenerationCall call(String idempotencyKey) {
    return new GenerationCall(
        idempotencyKey,
        model,
        prompt,
        messages,
        promptTokens,
        maxTokens,
        temperature,
        topP,
        stop,
        seed);
  }

  public String toJson() {
    try {
      return Prompt.JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static PreparedPrompt fromJson(String json) {
    try {
      return Prompt.JSON.readValue(json, PreparedPrompt.class);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
