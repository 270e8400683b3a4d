package io.mcpai.core.provider;

import io.mcpai.core.protocol.ChatMessage;
import java.util.List;

/**
 * What is sent to a provider: the formatted prompt (token-exact for the model's template) plus the
 * kept messages for providers that apply their own template (openai).
 *
 * @param prompt the rendered prompt, BOS written out as {@code <s>} (LMI clients strip the leading
 *     one, since an LMI server adds BOS itself)
 * @param promptTokens the exact prompt length in the model's tokens
 * @param maxNewTokens the answer's budget; the router lowers it to what a provider's window holds
 * @param traceparent the W3C trace context HTTP clients send, so the provider's span joins the
 *     gateway's trace; null when tracing is off
 */
public record GenerationCall(
    String requestId,
    String model,
    String prompt,
    List<ChatMessage> messages,
    int promptTokens,
    int maxNewTokens,
    double temperature,
    double topP,
    List<String> stop,
    Long seed,
    String traceparent) {

  /** A call outside any trace. */
  public GenerationCall(
      String requestId,
      String model,
      String prompt,
      List<ChatMessage> messages,
      int promptTokens,
      int maxNewTokens,
      double temperature,
      double topP,
      List<String> stop,
      Long seed) {
    this(
        requestId,
        model,
        prompt,
        messages,
        promptTokens,
        maxNewTokens,
        temperature,
        topP,
        stop,
        seed,
        null);
  }

  public GenerationCall {
    messages = messages == null ? List.of() : messages;
    stop = stop == null ? List.of() : stop;
  }

  public GenerationCall withMaxNewTokens(int n) {
    return n == maxNewTokens
        ? this
        : new GenerationCall(
            requestId,
            model,
            prompt,
            messages,
            promptTokens,
            n,
            temperature,
            topP,
            stop,
            seed,
            traceparent);
  }
}
