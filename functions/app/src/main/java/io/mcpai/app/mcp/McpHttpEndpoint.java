package io.mcpai.app.mcp;

import io.mcpai.app.RequestGuard;
import io.mcpai.core.security.Caller;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpStatelessServerHandler;
import io.modelcontextprotocol.server.transport.ServerTransportSecurityException;
import io.modelcontextprotocol.server.transport.ServerTransportSecurityValidator;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStatelessServerTransport;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import reactor.core.publisher.Mono;

/**
 * The MCP SDK's stateless Streamable HTTP transport, for any HTTP front: the SDK ships it for
 * servlets only ({@code HttpServletStatelessServerTransport}); this is the same contract as one
 * call, an HTTP request in and an HTTP answer out, so the WebFlux route ({@link McpServerWiring})
 * and a cloud function's handler can both serve {@code /mcp} with it. Each POST carries one
 * JSON-RPC message that the SDK's {@link McpStatelessServerHandler} answers (a request: 200 with
 * the JSON response; a notification: 202). There are no sessions and no server-to-client stream, so
 * GET and DELETE answer 405, as the spec asks of a server that offers neither.
 *
 * <p>Origin and Host pass the SDK's {@link ServerTransportSecurityValidator} first (DNS rebinding
 * protection), answering 403 (Origin) or 421 (Host) as the SDK does.
 */
public final class McpHttpEndpoint implements McpStatelessServerTransport {
  private static final Logger log = LoggerFactory.getLogger(McpHttpEndpoint.class);

  /** Transport context key: the {@link Caller} authentication established. */
  public static final String CALLER = "caller";

  /** Transport context key: the HTTP request's {@code x-request-id}. */
  public static final String REQUEST_ID = "request_id";

  /**
   * One HTTP request to the endpoint.
   *
   * @param headers by name, any case
   * @param caller who authentication says sent it ({@link Caller#ANONYMOUS} when it is off)
   */
  public record Call(
      String method,
      Map<String, List<String>> headers,
      String body,
      Caller caller,
      String requestId,
      RequestGuard guard) {
    public Call(
        String method,
        Map<String, List<String>> headers,
        String body,
        Caller caller,
        String requestId) {
      this(method, headers, body, caller, requestId, RequestGuard.NONE);
    }
  }

  /** Transport context key: the caller's key checks ({@link RequestGuard}) for generate/chat. */
  public static final String GUARD = "guard";

  /** The HTTP answer: status, extra headers, and a JSON body (empty for 202 and 405). */
  public record Answer(int status, Map<String, String> headers, String body) {
    static Answer of(int status, String json) {
      return new Answer(status, Map.of("content-type", "application/json"), json);
    }
  }

  private final McpJsonMapper json;
  private final ServerTransportSecurityValidator security;
  private volatile McpStatelessServerHandler handler;
  private volatile boolean closing;

  public McpHttpEndpoint(McpJsonMapper json, ServerTransportSecurityValidator security) {
    this.json = json;
    this.security = security;
  }

  @Override
  public void setMcpHandler(McpStatelessServerHandler handler) {
    this.handler = handler;
  }

  @Override
  public Mono<Void> closeGracefully() {
    return Mono.fromRunnable(() -> closing = true);
  }

  public Mono<Answer> handle(Call call) {
    if (!"POST".equalsIgnoreCase(call.method())) {
      return Mono.just(new Answer(405, Map.of("allow", "POST"), ""));
    }
    if (closing) {
      return error(503, null, McpSchema.ErrorCodes.INTERNAL_ERROR, "server is shutting down");
    }
    try {
      security.validateHeaders(call.headers());
    } catch (ServerTransportSecurityException e) {
      return error(e.getStatusCode(), null, McpSchema.ErrorCodes.INVALID_REQUEST, e.getMessage());
    }
    if (!acceptsJsonAndEventStream(header(call.headers(), "accept"))) {
      return error(
          406,
          null,
          McpSchema.ErrorCodes.INVALID_REQUEST,
          "the Accept header must list both application/json and text/event-stream");
    }
    String version = header(call.headers(), "mcp-protocol-version");
    if (version != null && !protocolVersions().contains(version)) {
      // The spec: a request naming a version the server does not speak gets 400.
      return error(
          400,
          null,
          McpSchema.ErrorCodes.INVALID_REQUEST,
          "unsupported MCP-Protocol-Version " + version + "; supported: " + protocolVersions());
    }
    Map<String, Object> values = new LinkedHashMap<>();
    values.put(CALLER, call.caller() == null ? Caller.ANONYMOUS : call.caller());
    values.put(REQUEST_ID, call.requestId() == null ? "" : call.requestId());
    values.put(GUARD, call.guard() == null ? RequestGuard.NONE : call.guard());
    return dispatch(call.body() == null ? "" : call.body(), McpTransportContext.create(values));
  }

  private Mono<Answer> dispatch(String body, McpTransportContext context) {
    McpSchema.JSONRPCMessage message;
    try {
      message = McpSchema.deserializeJsonRpcMessage(json, body);
    } catch (IOException | IllegalArgumentException e) {
      return error(
          400,
          null,
          McpSchema.ErrorCodes.PARSE_ERROR,
          "not a JSON-RPC 2.0 message: " + e.getMessage());
    }
    if (message instanceof McpSchema.JSONRPCRequest request) {
      return handler
          .handleRequest(context, request)
          .contextWrite(ctx -> ctx.put(McpTransportContext.KEY, context))
          .flatMap(response -> write(200, response))
          .onErrorResume(
              e -> {
                // The SDK turns a handler's failures into JSON-RPC errors; this is what escaped it.
                log.error("MCP {} failed", request.method(), e);
                return error(
                    500,
                    request.id(),
                    McpSchema.ErrorCodes.INTERNAL_ERROR,
                    "internal error; quote request id " + context.get(REQUEST_ID));
              });
    }
    if (message instanceof McpSchema.JSONRPCNotification note) {
      return handler
          .handleNotification(context, note)
          .contextWrite(ctx -> ctx.put(McpTransportContext.KEY, context))
          .thenReturn(new Answer(202, Map.of(), ""));
    }
    return error(
        400,
        null,
        McpSchema.ErrorCodes.INVALID_REQUEST,
        "the server accepts JSON-RPC requests and notifications only");
  }

  /**
   * A JSON-RPC error with the HTTP status the spec asks for. The id is null when the message could
   * not be read (JSON-RPC 2.0, section 5), which the SDK's response type refuses, hence a map.
   */
  private Mono<Answer> error(int status, Object id, int code, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("jsonrpc", McpSchema.JSONRPC_VERSION);
    body.put("id", id);
    body.put("error", new McpSchema.JSONRPCResponse.JSONRPCError(code, message, null));
    return write(status, body);
  }

  private Mono<Answer> write(int status, Object body) {
    try {
      return Mono.just(Answer.of(status, json.writeValueAsString(body)));
    } catch (IOException e) {
      return Mono.error(e);
    }
  }

  private static String header(Map<String, List<String>> headers, String name) {
    for (Map.Entry<String, List<String>> e : headers.entrySet()) {
      if (e.getKey().equalsIgnoreCase(name) && e.getValue() != null && !e.getValue().isEmpty()) {
        return String.join(",", e.getValue());
      }
    }
    return null;
  }

  /** The spec requires clients to accept both; wildcards count, as HTTP says they do. */
  private static boolean acceptsJsonAndEventStream(String accept) {
    if (accept == null) {
      return false;
    }
    try {
      List<MediaType> types = MediaType.parseMediaTypes(accept);
      return types.stream().anyMatch(a -> a.includes(MediaType.APPLICATION_JSON))
          && types.stream().anyMatch(a -> a.includes(MediaType.TEXT_EVENT_STREAM));
    } catch (InvalidMediaTypeException e) {
      return false;
    }
  }
}
