package io.mcpai.core.context;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.mcpai.core.protocol.ChatMessage;
import io.mcpai.core.protocol.ProtocolJson;
import java.util.List;

/**
 * A request formatted for its model: what is sent, what it costs, and what was left out. Serialized
 * with {@link ProtocolJson} (snake_case):
 *
 * <pre>{@code
 * {"messages": [{"role": "system", "content": "..."}, {"role": "user", ...}, ...],
 *  "metadata": {"max_tokens": 512, "temperature": 0.6, "top_p": 0.9, "stop": [], "seed": 7,
 *               "protocol_version": "1.0", "model": "llama-2-7b-chat", "template": "llama-2-chat",
 *               "tokenizer": "...", "provider": "aws", "session_id": "s1"},
 *  "prompt": "<s>[INST] <<SYS>>\n...",
 *  "token_ids": [1, 518, ...],            // only with parameters.return_token_ids
 *  "prompt_tokens": 123,
 *  "budget": {"window": 4096, "reserved_for_output": 512, "available_for_prompt": 3584, "used": 123},
 *  "dropped": [{"index": 0, "roles": ["user", "assistant"], "tokens": 57, "reason": "context_window"}],
 *  "truncated": {"param": "user_input", "original_tokens": 9000, "removed_tokens": 5500,
 *                "marker": " … [truncated 5500 tokens] … "}}   // only when cut
 * }</pre>
 *
 * @param messages the kept messages in order: system, kept history, the (possibly cut) input
 * @param prompt the template's text, control tokens written out; for display, never re-tokenized
 * @param tokenIds the exact ids fed to the model, or null when not requested
 */
@JsonPropertyOrder({
  "messages",
  "metadata",
  "prompt",
  "token_ids",
  "prompt_tokens",
  "budget",
  "dropped",
  "truncated"
})
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FormattedContext(
    List<ChatMessage> messages,
    Metadata metadata,
    String prompt,
    int[] tokenIds,
    int promptTokens,
    Budget budget,
    @JsonInclude(JsonInclude.Include.ALWAYS) List<Dropped> dropped,
    Truncation truncated) {

  /** Parameters as applied, plus where the numbers came from. */
  @JsonPropertyOrder({
    "max_tokens",
    "temperature",
    "top_p",
    "stop",
    "seed",
    "protocol_version",
    "model",
    "template",
    "tokenizer",
    "provider",
    "session_id"
  })
  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Metadata(
      int maxTokens,
      double temperature,
      double topP,
      List<String> stop,
      Long seed,
      String protocolVersion,
      String model,
      String template,
      String tokenizer,
      String provider,
      String sessionId) {}

  public String toJson() {
    return ProtocolJson.write(this);
  }
}
