package io.mcpai.app.mcp;

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
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The MCP SDK's stateless Streamable HTTP transport on WebFlux: the SDK ships it for servlets only
 * ({@code HttpServletStatelessServerTransport}), and this is the same contract over a {@link
 * RouterFunction}, non-blocking. Each POST carries one JSON-RPC message that the SDK's {@link
 * McpStatelessServerHandler} answers (a request: 200 with the JSON response; a notification: 202);
 * there are no sessions and no server-to-client stream, so GET and DELETE answer 405.
 *
 * <p>Being a route, it runs behind every {@code WebFilter} of the app (request ids, API keys).
 * Origin and Host headers pass the SDK's {@link ServerTransportSecurityValidator} first (DNS
 * rebinding protection), answering 403 (Origin) or 421 (Host) as the SDK does.
 */
public final class StatelessWebFluxTransport implements McpStatelessServerTransport {
  private static final Logger log = LoggerFactory.getLogger(StatelessWebFluxTransport.class);

  /** Transport context keys the tools may read. */
  public static final String CALLER = "caller";

  public static final String REQUEST_ID = "request_id";

  private final McpJsonMapper json;
  private final String endpoint;
  private final ServerTransportSecurityValidator security;
  private volatile McpStatelessServerHandler handler;
  private volatile boolean closing;

  public StatelessWebFluxTransport(
      McpJsonMapper json, String endpoint, ServerTransportSecurityValidator security) {
    this.json = json;
    this.endpoint = endpoint;
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

  /** POST answers; GET (no server-initiated stream) and DELETE (no session) answer 405. */
  public RouterFunction<ServerResponse> routes() {
    return RouterFunctions.route()
        .POST(endpoint, this::post)
        .route(
            RequestPredicates.path(endpoint)
                .and(
                    RequestPredicates.method(HttpMethod.GET)
                        .or(RequestPredicates.method(HttpMethod.DELETE))),
            request ->
                ServerResponse.status(HttpStatus.METHOD_NOT_ALLOWED)
                    .header("Allow", "POST")
                    .build())
        .build();
  }

  private Mono<ServerResponse> post(ServerRequest request) {
    if (closing) {
      return error(
          HttpStatus.SERVICE_UNAVAILABLE,
          null,
          McpSchema.ErrorCodes.INTERNAL_ERROR,
          "server is shutting down");
    }
    try {
      security.validateHeaders(headers(request));
    } catch (ServerTransportSecurityException e) {
      return error(
          HttpStatus.valueOf(e.getStatusCode()),
          null,
          McpSchema.ErrorCodes.INVALID_REQUEST,
          e.getMessage());
    }
    List<MediaType> accept = request.headers().accept();
    if (!accepts(accept, MediaType.APPLICATION_JSON)
        || !accepts(accept, MediaType.TEXT_EVENT_STREAM)) {
      return error(
          HttpStatus.NOT_ACCEPTABLE,
          null,
          McpSchema.ErrorCodes.INVALID_REQUEST,
          "the Accept header must list both application/json and text/event-stream");
    }
    McpTransportContext context = context(request);
    return request
        .bodyToMono(String.class)
        .defaultIfEmpty("")
        .flatMap(body -> dispatch(body, context));
  }

  private Mono<ServerResponse> dispatch(String body, McpTransportContext context) {
    McpSchema.JSONRPCMessage message;
    try {
      message = McpSchema.deserializeJsonRpcMessage(json, body);
    } catch (IOException | IllegalArgumentException e) {
      return error(
          HttpStatus.BAD_REQUEST,
          null,
          McpSchema.ErrorCodes.PARSE_ERROR,
          "not a JSON-RPC 2.0 message: " + e.getMessage());
    }
    if (message instanceof McpSchema.JSONRPCRequest call) {
      return handler
          .handleRequest(context, call)
          .contextWrite(ctx -> ctx.put(McpTransportContext.KEY, context))
          .flatMap(this::ok)
          .onErrorResume(
              e -> {
                // The SDK turns a handler's failures into JSON-RPC errors; this is what escaped it.
                log.error("MCP {} failed", call.method(), e);
                return error(
                    HttpStatus.INTERNAL_SERVER_ERROR,
                    call.id(),
                    McpSchema.ErrorCodes.INTERNAL_ERROR,
                    "internal error; quote request id " + context.get(REQUEST_ID));
              });
    }
    if (message instanceof McpSchema.JSONRPCNotification note) {
      return handler
          .handleNotification(context, note)
          .contextWrite(ctx -> ctx.put(McpTransportContext.KEY, context))
          .then(ServerResponse.accepted().build());
    }
    return error(
        HttpStatus.BAD_REQUEST,
        null,
        McpSchema.ErrorCodes.INVALID_REQUEST,
        "the server accepts JSON-RPC requests and notifications only");
  }

  private Mono<ServerResponse> ok(McpSchema.JSONRPCResponse response) {
    try {
      return ServerResponse.ok()
          .contentType(MediaType.APPLICATION_JSON)
          .bodyValue(json.writeValueAsString(response));
    } catch (IOException e) {
      return Mono.error(e);
    }
  }

  /**
   * A JSON-RPC error in the body, with the HTTP status the spec asks for. The id is null when the
   * message could not be read (JSON-RPC 2.0, section 5), which the SDK's response type refuses.
   */
  private Mono<ServerResponse> error(HttpStatus status, Object id, int code, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("jsonrpc", McpSchema.JSONRPC_VERSION);
    body.put("id", id);
    body.put("error", new McpSchema.JSONRPCResponse.JSONRPCError(code, message, null));
    try {
      return ServerResponse.status(status)
          .contentType(MediaType.APPLICATION_JSON)
          .bodyValue(json.writeValueAsString(body));
    } catch (IOException e) {
      return Mono.error(e);
    }
  }

  private static boolean accepts(List<MediaType> accept, MediaType type) {
    return accept.stream().anyMatch(a -> a.includes(type));
  }

  private static Map<String, List<String>> headers(ServerRequest request) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    request.headers().asHttpHeaders().forEach(headers::put);
    return headers;
  }

  /** The caller authentication put on the exchange, and the request id, for the tools. */
  private static McpTransportContext context(ServerRequest request) {
    Map<String, Object> values = new LinkedHashMap<>();
    Object caller = request.exchange().getAttribute(Caller.ATTRIBUTE);
    values.put(CALLER, caller instanceof Caller c ? c : Caller.ANONYMOUS);
    String id = request.exchange().getResponse().getHeaders().getFirst("x-request-id");
    values.put(REQUEST_ID, id == null ? "" : id);
    return McpTransportContext.create(values);
  }
}
