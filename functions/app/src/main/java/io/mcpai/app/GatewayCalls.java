package io.mcpai.app;

import io.mcpai.core.security.Caller;
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

  /**
   * {@code POST /v1/generate}'s answer for a protocol request body, on behalf of {@code caller} and
   * under its key's {@code guard} (allow-lists, token budget).
   */
  public Mono<String> generate(String body, String requestId, Caller caller, RequestGuard guard) {
    return Mono.defer(() -> gateway.generate(body, timing(requestId, caller, guard)))
        .map(Gateway.Answer::json);
  }

  /** {@code POST /v1/chat/completions}' answer (never streamed) for an OpenAI body. */
  public Mono<String> chat(String body, String requestId, Caller caller, RequestGuard guard) {
    return Mono.defer(() -> gateway.chat(OpenAiChat.parse(body), timing(requestId, caller, guard)))
        .map(Gateway.Answer::json);
  }

  private static Timing timing(String requestId, Caller caller, RequestGuard guard) {
    Timing t = Timing.now(id(requestId));
    t.caller = caller == null ? Caller.ANONYMOUS : caller;
    t.guard = guard == null ? RequestGuard.NONE : guard;
    return t;
  }

  private static String id(String requestId) {
    return requestId == null || requestId.isBlank() ? RequestIds.newId() : requestId;
  }
}
