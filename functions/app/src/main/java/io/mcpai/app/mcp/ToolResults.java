package io.mcpai.app.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpai.core.batch.BatchLaunchException;
import io.mcpai.core.protocol.Problem;
import io.mcpai.core.protocol.ProtocolException;
import io.mcpai.core.provider.ProviderException;
import io.mcpai.core.routing.NoProviderException;
import io.mcpai.core.security.Rejection;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * A tool's answer either way: its structured result, or an MCP tool error ({@code isError: true})
 * whose text names the argument at fault and whose structured content is the HTTP API's error body.
 * A bad argument is the model's to fix, so it is never a JSON-RPC or transport failure.
 */
final class ToolResults {
  private static final Logger log = LoggerFactory.getLogger(ToolResults.class);

  private final ObjectMapper json;

  ToolResults(ObjectMapper json) {
    this.json = json;
  }

  /**
   * The result as structured content; the SDK adds the same JSON as text for older clients and
   * checks it against the tool's output schema.
   */
  CallToolResult ok(Object result) {
    Object structured = result instanceof String s ? read(s) : json.convertValue(result, Map.class);
    return CallToolResult.builder().structuredContent(structured).build();
  }

  /** Runs {@code call}, turning whatever it throws or signals into a tool error. */
  Mono<CallToolResult> guard(String tool, java.util.function.Supplier<Mono<CallToolResult>> call) {
    Mono<CallToolResult> m;
    try {
      m = call.get();
    } catch (RuntimeException e) {
      return Mono.just(error(tool, e));
    }
    return m.onErrorResume(e -> Mono.just(error(tool, e)));
  }

  CallToolResult error(String tool, Throwable failure) {
    ProtocolException e = classify(tool, failure);
    String text =
        e.type()
            + ": "
            + e.problems().stream()
                .map(p -> p.param() == null ? p.message() : p.param() + ": " + p.message())
                .collect(Collectors.joining("; "));
    // No structured content: clients (the TypeScript SDK's, so the Inspector) check it against
    // the tool's output schema even on errors, and an error is not the tool's result.
    return CallToolResult.builder().content(List.of(new TextContent(text))).isError(true).build();
  }

  private static ProtocolException classify(String tool, Throwable failure) {
    Throwable t = failure;
    while (t.getCause() != null
        && t.getCause() != t
        && !(t instanceof ProtocolException
            || t instanceof NoProviderException
            || t instanceof ProviderException
            || t instanceof BatchLaunchException
            || t instanceof Rejection)) {
      t = t.getCause();
    }
    if (t instanceof ProtocolException p) {
      return p;
    }
    if (t instanceof NoProviderException none) {
      return problem(
          503,
          "no_provider_available",
          none.getMessage() + "; retry after " + none.retryAfterSeconds() + " s");
    }
    if (t instanceof ProviderException upstream) {
      return problem(
          upstream.requestFault() ? upstream.status() : 502,
          upstream.requestFault() ? "provider_rejected_request" : "provider_error",
          upstream.getMessage());
    }
    if (t instanceof Rejection refused) {
      // The caller's key: a model or provider it may not use (403), or its budget (429).
      return new ProtocolException(
          refused.status(),
          refused.type(),
          List.of(new Problem(refused.param(), refused.getMessage(), null, refused.status())));
    }
    if (t instanceof BatchLaunchException launch) {
      return problem(
          503,
          "batch_launch_failed",
          launch.getMessage() + (launch.retryable() ? " (transient: retry)" : ""));
    }
    log.error("MCP tool {} failed", tool, failure);
    return problem(
        500, "internal_error", "internal error in tool " + tool + "; see the gateway log");
  }

  private static ProtocolException problem(int status, String type, String message) {
    return new ProtocolException(status, type, List.of(new Problem(null, message, null, status)));
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> read(String s) {
    try {
      return json.readValue(s, Map.class);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("a tool produced invalid JSON", e);
    }
  }
}
