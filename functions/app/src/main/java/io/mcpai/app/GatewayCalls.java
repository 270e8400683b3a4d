package io.mcpai.app;

import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The gateway's generate and chat for callers outside this package that have their own request id
 * (the MCP server's tools), so the answer's {@code request_id}, the request log and the caller's
 * {@code x-request-id} name the same request. Raw JSON in and out, like the function beans.
 */
@Component
public final class GatewayCalls {
  private final Gateway gateway;

  GatewayCalls(Gateway gateway) {
    this.gateway = gateway;
  }

  /** {@code POST /v1/generate}'s answer for a protocol request body. */
  public Mono<String> generate(String body, String requestId) {
    return gateway.generate(body, Timing.now(id(requestId))).map(Gateway.Answer::json);
  }

  /** {@code POST /v1/chat/completions}' answer (never streamed) for an OpenAI body. */
  public Mono<String> chat(String body, String requestId) {
    return Mono.defer(() -> gateway.chat(OpenAiChat.parse(body), Timing.now(id(requestId))))
        .map(Gateway.Answer::json);
  }

  private static String id(String requestId) {
    return requestId == null || requestId.isBlank() ? RequestIds.newId() : requestId;
  }
}
