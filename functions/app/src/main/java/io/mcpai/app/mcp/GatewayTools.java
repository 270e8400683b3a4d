package io.mcpai.app.mcp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpai.app.GatewayCalls;
import io.mcpai.app.RequestGuard;
import io.mcpai.core.batch.BatchJobLauncher;
import io.mcpai.core.batch.BatchJobRequest;
import io.mcpai.core.context.ContextFormatter;
import io.mcpai.core.context.ModelProfile;
import io.mcpai.core.protocol.Problem;
import io.mcpai.core.protocol.ProtocolException;
import io.mcpai.core.protocol.ProtocolJson;
import io.mcpai.core.routing.ProviderRouter;
import io.mcpai.core.security.Caller;
import io.mcpai.core.tokenizer.Tokenizer;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.server.McpStatelessServerFeatures.AsyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.modelcontextprotocol.spec.McpSchema.ToolAnnotations;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The gateway's operations as MCP tools, each over the same function or core type the HTTP API
 * uses, so a tool call is validated, formatted, routed and logged exactly like a request: {@code
 * generate} and {@code chat} through the gateway under the {@code /mcp} request's id, {@code
 * format_context} and {@code count_tokens} through the formatter and the model's real tokenizer,
 * {@code list_providers} from the router, {@code submit_batch} and {@code batch_status} through the
 * batch job launcher. Arguments arrive as JSON objects with the HTTP API's field names.
 */
final class GatewayTools {
  private static final ObjectMapper JSON = ProtocolJson.mapper();

  private final McpJsonMapper mcpJson;
  private final ToolResults results = new ToolResults(JSON);
  private final GatewayCalls gateway;
  private final ContextFormatter formatter;
  private final ProviderRouter router;
  private final BatchJobLauncher launcher;

  GatewayTools(
      McpJsonMapper mcpJson,
      GatewayCalls gateway,
      ContextFormatter formatter,
      ProviderRouter router,
      BatchJobLauncher launcher) {
    this.mcpJson = mcpJson;
    this.gateway = gateway;
    this.formatter = formatter;
    this.router = router;
    this.launcher = launcher;
  }

  List<AsyncToolSpecification> all() {
    return List.of(
        tool(
            "generate",
            "Generate with LLaMA 2",
            "Answers one user turn with LLaMA 2 through the gateway's providers (AWS, GCP, Azure),"
                + " after formatting the conversation exactly for the model's context window."
                + " Takes the gateway's protocol request.",
            ToolSchemas.PROTOCOL_REQUEST,
            ToolSchemas.GENERATE_RESULT,
            false,
            (ctx, args) ->
                gateway
                    .generate(write(args), requestId(ctx), caller(ctx), guard(ctx))
                    .map(results::ok)),
        tool(
            "chat",
            "Chat with LLaMA 2 (OpenAI messages)",
            "Answers a list of chat messages (OpenAI chat-completions shape: system, user and"
                + " assistant messages, the last one from the user) with LLaMA 2.",
            ToolSchemas.CHAT_REQUEST,
            ToolSchemas.CHAT_RESULT,
            false,
            (ctx, args) ->
                gateway
                    .chat(write(forChat(args)), requestId(ctx), caller(ctx), guard(ctx))
                    .map(results::ok)),
        tool(
            "count_tokens",
            "Count tokens",
            "Counts the tokens of a text with the model's own tokenizer (LLaMA 2's SentencePiece"
                + " by default), without BOS/EOS; optionally returns the token ids.",
            ToolSchemas.COUNT_TOKENS,
            ToolSchemas.COUNT_TOKENS_RESULT,
            true,
            (ctx, args) -> Mono.fromCallable(() -> results.ok(countTokens(args)))),
        tool(
            "format_context",
            "Fit a conversation into the context window",
            "Formats a protocol request for its model without calling it: the exact prompt, its"
                + " token count, the budget, and which history turns were dropped (and why) to fit"
                + " the context window.",
            ToolSchemas.PROTOCOL_REQUEST,
            ToolSchemas.FORMAT_RESULT,
            true,
            (ctx, args) ->
                Mono.fromCallable(() -> results.ok(formatter.format(write(args)).toJson()))),
        tool(
            "list_providers",
            "List providers",
            "The providers the gateway routes to: their state (up, half-open, open), circuit"
                + " breaker, reachability, requests in flight, routing weight and context window.",
            ToolSchemas.NO_ARGUMENTS,
            ToolSchemas.PROVIDERS_RESULT,
            true,
            (ctx, args) -> Mono.fromCallable(() -> results.ok(providers()))),
        tool(
            "submit_batch",
            "Submit a batch job",
            "Starts a batch job over a JSON-lines file of requests (each with a custom_id), writing"
                + " results.jsonl and errors.jsonl to the output. Returns once the job has started;"
                + " follow it with batch_status. The same job_id is not started twice.",
            ToolSchemas.BATCH_REQUEST,
            ToolSchemas.BATCH_HANDLE,
            false,
            (ctx, args) ->
                Mono.fromCallable(() -> results.ok(submitBatch(args)))
                    .subscribeOn(Schedulers.boundedElastic())),
        tool(
            "batch_status",
            "Batch job status",
            "A batch job's state (running, exited with its code, or unknown), the tail of its log,"
                + " and how many result and error lines its local output holds so far.",
            ToolSchemas.BATCH_STATUS,
            ToolSchemas.BATCH_STATUS_RESULT,
            true,
            (ctx, args) ->
                Mono.fromCallable(() -> results.ok(launcher.status(text(args, "job_id"))))
                    .subscribeOn(Schedulers.boundedElastic())));
  }

  private interface Call {
    Mono<CallToolResult> apply(McpTransportContext ctx, Map<String, Object> args);
  }

  private AsyncToolSpecification tool(
      String name,
      String title,
      String description,
      String inputSchema,
      String outputSchema,
      boolean readOnly,
      Call call) {
    Tool tool =
        Tool.builder()
            .name(name)
            .title(title)
            .description(description)
            .inputSchema(mcpJson, inputSchema)
            .outputSchema(mcpJson, outputSchema)
            .annotations(new ToolAnnotations(title, readOnly, false, readOnly, !readOnly, null))
            .build();
    return AsyncToolSpecification.builder()
        .tool(tool)
        .callHandler(
            (ctx, request) -> results.guard(name, () -> call.apply(ctx, arguments(request))))
        .build();
  }

  /** The {@code /mcp} request's id, so the answer and the request log name the same request. */
  private static String requestId(McpTransportContext ctx) {
    Object id = ctx.get(McpHttpEndpoint.REQUEST_ID);
    return id == null ? null : id.toString();
  }

  private static Caller caller(McpTransportContext ctx) {
    return ctx.get(McpHttpEndpoint.CALLER) instanceof Caller c ? c : Caller.ANONYMOUS;
  }

  private static RequestGuard guard(McpTransportContext ctx) {
    return ctx.get(McpHttpEndpoint.GUARD) instanceof RequestGuard g ? g : RequestGuard.NONE;
  }

  private static Map<String, Object> arguments(CallToolRequest request) {
    return request.arguments() == null ? Map.of() : request.arguments();
  }

  /**
   * The OpenAI body for the arguments: the default model when none is named (OpenAI requires one, a
   * tool caller need not), and never streamed, since a tool result is one message.
   */
  private Map<String, Object> forChat(Map<String, Object> args) {
    Map<String, Object> body = new LinkedHashMap<>(args);
    body.putIfAbsent("model", formatter.catalog().defaultProfile().name());
    body.remove("stream");
    body.remove("stream_options");
    return body;
  }

  private Map<String, Object> countTokens(Map<String, Object> args) {
    String text = text(args, "text");
    Object m = args.get("model");
    String model = m == null ? null : m.toString();
    ModelProfile profile = formatter.catalog().profile(model);
    if (profile == null) {
      throw invalid(
          "model",
          "unknown model '" + model + "'; known: " + formatter.catalog().names(),
          formatter.catalog().names());
    }
    Tokenizer tokenizer = profile.tokenizer();
    int[] ids = tokenizer.encode(text);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("model", profile.name());
    out.put("tokenizer", tokenizer.source());
    out.put("tokens", ids.length);
    out.put("characters", text.length());
    out.put("context_window", profile.contextWindow());
    if (Boolean.TRUE.equals(args.get("return_ids"))) {
      out.put("token_ids", Arrays.stream(ids).boxed().toList());
    }
    return out;
  }

  private Map<String, Object> providers() {
    List<Map<String, Object>> list =
        router.providers().stream()
            .map(
                p -> {
                  Map<String, Object> m = new LinkedHashMap<>();
                  m.put("name", p.name());
                  m.put("kind", p.config().kind());
                  m.put("region", p.config().region());
                  m.put("model", p.config().model());
                  m.put("state", lower(p.state()));
                  m.put("breaker", lower(p.breaker().getState()));
                  m.put("reachable", p.reachable());
                  m.put("in_flight", p.inFlight());
                  m.put("weight", router.weights().weightOf(p.name(), p.config().weight()));
                  m.put("configured_weight", p.config().weight());
                  m.put("context_window", p.config().contextWindow());
                  return m;
                })
            .toList();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("routing_mode", lower(router.settings().mode()));
    out.put("weights_source", router.weights().source());
    out.put("providers", list);
    return out;
  }

  private Map<String, Object> submitBatch(Map<String, Object> args) {
    BatchJobRequest request = BatchJobRequest.parse(write(args));
    var handle = launcher.launch(request);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("job_id", handle.jobId());
    out.put("launcher", handle.launcher());
    out.put("detail", handle.detail());
    out.put("request", JSON.convertValue(read(request.toJson()), Map.class));
    return out;
  }

  static String lower(Object e) {
    return e.toString().toLowerCase(Locale.ROOT);
  }

  /** A required string argument; the schema says so too, this is for clients that skip it. */
  private static String text(Map<String, Object> args, String name) {
    Object v = args.get(name);
    if (!(v instanceof String s)) {
      throw invalid(name, v == null ? "is required" : "must be a string", null);
    }
    return s;
  }

  private static ProtocolException invalid(String param, String message, Object limit) {
    return ProtocolException.of(List.of(Problem.invalid(param, message, limit)));
  }

  private static String write(Object args) {
    try {
      return JSON.writeValueAsString(args);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Object read(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
