package io.mcpai.core.protocol;

/**
 * Size limits enforced before any tokenizing, so a hostile body costs little.
 *
 * @param maxRequestBytes whole body, in UTF-8 bytes (413 above it)
 * @param maxContentChars any one content string (system_prompt, a history turn, user_input)
 * @param maxHistoryMessages entries in conversation_history
 * @param maxStopSequences entries in parameters.stop (OpenAI's limit is 4)
 * @param maxStopChars characters in one stop sequence
 * @param maxIdChars characters in model, provider and session_id
 */
public record ProtocolLimits(
    int maxRequestBytes,
    int maxContentChars,
    int maxHistoryMessages,
    int maxStopSequences,
    int maxStopChars,
    int maxIdChars) {

  public static ProtocolLimits defaults() {
    return new ProtocolLimits(4 * 1024 * 1024, 262_144, 2_000, 4, 256, 128);
  }
}
