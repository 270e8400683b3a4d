package io.mcpai.core.provider;

/**
 * A provider's answer.
 *
 * @param finishReason OpenAI's words: {@code stop} (end of sequence or a stop sequence) or {@code
 *     length}
 * @param completionTokens generated tokens as the provider counted them
 */
public record Completion(String text, int completionTokens, String finishReason) {
  public static String finishReason(String lmi) {
    if (lmi == null) {
      return "stop";
    }
    return switch (lmi) {
      case "length" -> "length";
      default -> "stop";
    };
  }
}
