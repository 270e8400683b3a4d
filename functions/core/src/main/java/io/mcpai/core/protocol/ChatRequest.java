package io.mcpai.core.protocol;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Objects;

/**
 * A protocol "1.0" request: what the client said, before any formatting.
 *
 * <p>JSON (snake_case): {@code {"system_prompt", "conversation_history": [{"role","content"}],
 * "user_input", "model", "provider", "session_id", "parameters": {...}}}. Build one from JSON with
 * {@link RequestParser}, which validates every field; the constructor only checks nullness so that
 * programmatic callers (batch, tests) can build requests directly.
 *
 * @param systemPrompt may be null (no system prompt)
 * @param conversationHistory earlier turns, oldest first; alternating user/assistant
 * @param userInput the new user turn, the one the model answers
 * @param model may be null (the catalog's default model)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ChatRequest(
    String systemPrompt,
    List<ChatMessage> conversationHistory,
    String userInput,
    String model,
    String provider,
    String sessionId,
    Parameters parameters) {

  public static final String PROTOCOL_VERSION = "1.0";

  public ChatRequest {
    conversationHistory =
        conversationHistory == null ? List.of() : List.copyOf(conversationHistory);
    Objects.requireNonNull(userInput, "userInput");
    parameters = parameters == null ? Parameters.defaults() : parameters;
  }

  public static ChatRequest of(String systemPrompt, List<ChatMessage> history, String userInput) {
    return new ChatRequest(systemPrompt, history, userInput, null, null, null, null);
  }

  public ChatRequest withParameters(Parameters p) {
    return new ChatRequest(
        systemPrompt, conversationHistory, userInput, model, provider, sessionId, p);
  }

  public ChatRequest withModel(String m) {
    return new ChatRequest(
        systemPrompt, conversationHistory, userInput, m, provider, sessionId, parameters);
  }
}
