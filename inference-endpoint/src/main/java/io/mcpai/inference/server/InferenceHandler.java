package io.mcpai.inference.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mcpai.core.tokenizer.Tokenizer;
import io.mcpai.core.tracing.Tracing;
import io.mcpai.inference.generate.FinishReason;
import io.mcpai.inference.generate.Generation;
import io.mcpai.inference.generate.GenerationListener;
import io.mcpai.inference.generate.InferenceMetrics;
import io.mcpai.inference.generate.SamplingParams;
import io.mcpai.inference.generate.Scheduler;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SageMaker / DJL Serving LMI contract plus OpenAI chat, over one Netty channel. A request
 * reads as: parse, validate, format the prompt, fit it in the context, submit to the scheduler,
 * then stream or collect the tokens the scheduler hands back.
 */
final class InferenceHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger log = LoggerFactory.getLogger(InferenceHandler.class);
  static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final Set<String> CHAT_KEYS =
      Set.of(
          "messages",
          "model",
          "max_tokens",
          "max_completion_tokens",
          "temperature",
          "top_p",
          "top_k",
          "n",
          "stop",
          "seed",
          "stream",
          "stream_options",
          "frequency_penalty",
          "presence_penalty",
          "repetition_penalty",
          "user",
          "logprobs");

  private final ChatPrompt chat;
  private final Scheduler scheduler;
  private final InferenceMetrics metrics;
  private final String modelName;
  private final Tracing tracing;
  private volatile Generation current;

  InferenceHandler(
      Scheduler scheduler,
      InferenceMetrics metrics,
      String modelName,
      ChatPrompt chat,
      Tracing tracing) {
    super(true);
    this.tracing = tracing;
    this.chat = chat;
    this.scheduler = scheduler;
    this.metrics = metrics;
    this.modelName = modelName;
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    Generation g = current;
    if (g != null) {
      g.cancel(); // the client went away: free the batch slot before the next decode step
    }
    super.channelInactive(ctx);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    String rid = req.headers().get("x-request-id");
    if (rid == null || rid.isBlank()) {
      rid = UUID.randomUUID().toString();
    }
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    Exchange ex = new Exchange(ctx, rid, keepAlive);
    if (tracing.enabled() && req.method().equals(HttpMethod.POST)) {
      // Generation routes only: health checks and scrapes would drown the traces.
      ex.span =
          tracing
              .span("POST " + req.uri(), SpanKind.SERVER, req.headers().get(Tracing.TRACEPARENT))
              .setAttribute("http.request.method", "POST")
              .setAttribute("url.path", req.uri())
              .setAttribute("mcp.request_id", rid)
              .setAttribute("mcp.model", modelName)
              .startSpan();
    }
    try {
      route(req, ex);
    } catch (ApiError e) {
      ex.error(e);
    } catch (Scheduler.OverloadedException e) {
      ex.error(
          new ApiError(HttpResponseStatus.SERVICE_UNAVAILABLE, "overloaded", e.getMessage(), null));
    } catch (RuntimeException e) {
      ex.error(
          new ApiError(
              HttpResponseStatus.INTERNAL_SERVER_ERROR,
              "server_error",
              String.valueOf(e.getMessage()),
              null));
    }
  }

  private void route(FullHttpRequest req, Exchange ex) {
    String path = req.uri();
    int q = path.indexOf('?');
    if (q >= 0) {
      path = path.substring(0, q);
    }
    HttpMethod m = req.method();
    switch (path) {
      case "/ping", "/health" -> {
        requireMethod(m, HttpMethod.GET, path);
        ObjectNode o = JSON.createObjectNode().put("status", "healthy").put("model", modelName);
        o.put("engine", scheduler.engine().describe());
        ex.json(HttpResponseStatus.OK, o);
      }
      case "/metrics" -> {
        requireMethod(m, HttpMethod.GET, path);
        ex.text(
            HttpResponseStatus.OK, metrics.scrape(), "text/plain; version=0.0.4; charset=utf-8");
      }
      case "/invocations" -> {
        requireMethod(m, HttpMethod.POST, path);
        JsonNode body = parse(req);
        if (body.has("messages")) {
          chat(body, ex);
        } else {
          lmi(body, ex);
        }
      }
      case "/v1/chat/completions" -> {
        requireMethod(m, HttpMethod.POST, path);
        chat(parse(req), ex);
      }
      default ->
          throw new ApiError(HttpResponseStatus.NOT_FOUND, "not_found", "no route " + path, null);
    }
  }

  private static void requireMethod(HttpMethod got, HttpMethod want, String path) {
    if (!got.equals(want)) {
      throw new ApiError(
          HttpResponseStatus.METHOD_NOT_ALLOWED,
          "invalid_request_error",
          path + " takes " + want + ", not " + got,
          null);
    }
  }

  private static JsonNode parse(FullHttpRequest req) {
    return parseObject(req.content().toString(StandardCharsets.UTF_8));
  }

  /** The body as a JSON object, or a 400 saying why not. */
  static JsonNode parseObject(String body) {
    JsonNode n;
    try {
      n = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw ApiError.malformed("request body is not valid JSON: " + e.getOriginalMessage());
    }
    if (n == null || !n.isObject()) {
      throw ApiError.malformed("request body must be a JSON object");
    }
    return n;
  }

  private int[] fit(int[] prompt, String param) {
    int ctx = scheduler.engine().config().maxPositions();
    if (prompt.length >= ctx) {
      throw ApiError.tooLong(
          param,
          "the prompt is "
              + prompt.length
              + " tokens; the model's context is "
              + ctx
              + " (at least 1 must be left to generate)");
    }
    return prompt;
  }

  // ---- LMI ----

  private void lmi(JsonNode body, Exchange ex) {
    LmiRequest r =
        LmiRequest.parse(
            body,
            scheduler.engine().config().maxPositions(),
            scheduler.engine().config().vocabSize());
    boolean details = r.details();
    boolean stream = r.stream();
    Tokenizer tok = scheduler.tokenizer();
    String input = r.inputs();
    // Read as DJL Serving and TGI read a LLaMA 2 prompt string: <s> and </s> in the text are the
    // control tokens, so a multi-turn prompt rendered by the gateway arrives token-exact.
    int[] prompt = tok.encodePrompt(input);
    fit(prompt, "inputs");
    SamplingParams sp = r.sampling();
    String prefix = r.fullText() ? input : "";
    if (stream) {
      ex.streamType = "application/jsonlines";
    }
    submit(
        prompt,
        sp,
        ex,
        new LmiListener(
            ex, stream, details, prefix, input, details && r.prefill() ? prompt : null));
  }

  private void submit(int[] prompt, SamplingParams sp, Exchange ex, GenerationListener l) {
    current = scheduler.submit(prompt, sp, ex.span == null ? l : traced(ex.span, prompt.length, l));
  }

  /** Puts the token counts on the span before the last token's response ends it. */
  private static GenerationListener traced(Span span, int promptTokens, GenerationListener l) {
    span.setAttribute("mcp.prompt_tokens", promptTokens);
    return new GenerationListener() {
      @Override
      public void onToken(
          Generation g, int id, String text, float logProb, String delta, FinishReason finish) {
        if (finish != null) {
          span.setAttribute("mcp.completion_tokens", g.generatedTokens());
          span.setAttribute("mcp.finish_reason", finish.toString());
        }
        l.onToken(g, id, text, logProb, delta, finish);
      }

      @Override
      public void onError(Generation g, Throwable error) {
        l.onError(g, error);
      }
    };
  }

  /**
   * An engine failure ends the request with a 500 (or an error line in a stream). The cause is
   * logged with the request id; the caller gets only the id, never native or internal detail.
   */
  private void failGeneration(Exchange ex, boolean stream, Throwable error) {
    current = null;
    log.error("generation failed for request {}", ex.requestId, error);
    ApiError e =
        new ApiError(
            HttpResponseStatus.INTERNAL_SERVER_ERROR,
            "server_error",
            "generation failed; quote request id " + ex.requestId + " when reporting it",
            null);
    if (stream) {
      ex.streamError(e);
    } else {
      ex.error(e);
    }
  }

  private final class LmiListener implements GenerationListener {
    final Exchange ex;
    final boolean stream;
    final boolean details;
    final String prefix;
    final String input;
    final int[] prefill;
    final ArrayNode tokens = JSON.createArrayNode();

    LmiListener(
        Exchange ex, boolean stream, boolean details, String prefix, String input, int[] prefill) {
      this.ex = ex;
      this.stream = stream;
      this.details = details;
      this.prefix = prefix;
      this.input = input;
      this.prefill = prefill;
    }

    @Override
    public void onToken(
        Generation g, int id, String text, float logProb, String delta, FinishReason finish) {
      if (stream) {
        streamLine(g, token(id, text, logProb), finish);
      } else {
        if (details) {
          tokens.add(token(id, text, logProb));
        }
        if (finish != null) {
          ObjectNode out = JSON.createObjectNode().put("generated_text", prefix + g.text());
          if (details) {
            out.set("details", details(g, finish));
          }
          current = null;
          ex.json(HttpResponseStatus.OK, out);
        }
      }
    }

    /**
     * A token as details.tokens and stream lines show it. Only those two show one, and LmiRequest
     * asks for log-probs exactly then, so logProb is real here (NaN only for requests without).
     */
    private ObjectNode token(int id, String text, float logProb) {
      return JSON.createObjectNode()
          .put("id", id)
          .put("text", text)
          .put("log_prob", logProb)
          .put("special", id == scheduler.tokenizer().eosId());
    }

    private void streamLine(Generation g, ObjectNode t, FinishReason finish) {
      if (details) {
        tokens.add(t);
      }
      ObjectNode line = JSON.createObjectNode();
      line.set("token", t);
      if (finish != null) {
        line.put("generated_text", prefix + g.text());
        if (details) {
          line.set("details", details(g, finish));
        }
      } else {
        line.putNull("generated_text");
      }
      ex.chunk(line.toString() + "\n");
      if (finish != null) {
        ex.endStream();
        current = null;
      }
    }

    private ObjectNode details(Generation g, FinishReason finish) {
      ObjectNode d = JSON.createObjectNode();
      d.put("finish_reason", finish.wire);
      d.put("generated_tokens", g.generatedTokens());
      d.put("inputs", input);
      if (prefill != null) {
        ArrayNode p = d.putArray("prefill");
        for (int id : prefill) {
          p.addObject().put("id", id).put("text", scheduler.tokenizer().pieceText(id));
        }
      }
      d.set("tokens", tokens);
      return d;
    }

    @Override
    public void onError(Generation g, Throwable error) {
      failGeneration(ex, stream, error);
    }
  }

  // ---- OpenAI chat ----

  private void chat(JsonNode body, Exchange ex) {
    Json.onlyKnown(body, CHAT_KEYS, "");
    List<ChatPrompt.Message> messages = ChatPrompt.parse(body.get("messages"));
    int ctx = scheduler.engine().config().maxPositions();
    int vocab = scheduler.engine().config().vocabSize();
    Json.integer(body, "n", 1, 1, 1, "n");
    for (String f : List.of("frequency_penalty", "presence_penalty")) {
      Json.number(body, f, 0, 0, 0, false, f);
    }
    if (Json.bool(body, "logprobs", false, "logprobs")) {
      throw ApiError.invalid(
          "logprobs", "logprobs is not supported on chat; use /invocations with details");
    }
    if (Json.present(body, "stream_options") && !body.get("stream_options").isObject()) {
      throw ApiError.invalid("stream_options", "stream_options must be an object");
    }
    int[] prompt = fit(chat.encode(messages), "messages");
    int room = ctx - prompt.length;
    Integer maxTokens = null;
    for (String f : List.of("max_tokens", "max_completion_tokens")) {
      if (Json.present(body, f)) {
        maxTokens = Json.integer(body, f, 0, 1, ctx, f);
      }
    }
    int maxNew = maxTokens == null ? Math.min(room, 256) : maxTokens;
    double temperature = Json.number(body, "temperature", 1.0, 0, 2, false, "temperature");
    double topP = Json.number(body, "top_p", 1.0, 0, 1, true, "top_p");
    int topK = Json.integer(body, "top_k", 0, 0, vocab, "top_k");
    double penalty =
        Json.number(body, "repetition_penalty", 1.0, 0, 10, true, "repetition_penalty");
    Long seed = Json.seed(body, "seed", "seed");
    List<String> stops = Json.strings(body, "stop", "stop");
    boolean stream = Json.bool(body, "stream", false, "stream");
    // chat answers show no log-probs (logprobs is refused above), so the engine skips them
    SamplingParams sp =
        new SamplingParams(
            maxNew, temperature > 0, temperature, topK, topP, penalty, seed, stops, false);
    if (stream) {
      ex.streamType = "text/event-stream";
    }
    submit(prompt, sp, ex, new ChatListener(ex, stream, prompt.length, stops));
  }

  private final class ChatListener implements GenerationListener {
    final Exchange ex;
    final boolean stream;
    final int promptTokens;
    final List<String> stops;
    final String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
    final long created = System.currentTimeMillis() / 1000;
    boolean sentRole;
    final StringBuilder held = new StringBuilder();

    ChatListener(Exchange ex, boolean stream, int promptTokens, List<String> stops) {
      this.ex = ex;
      this.stream = stream;
      this.promptTokens = promptTokens;
      this.stops = stops;
    }

    private ObjectNode envelope(String object) {
      return JSON.createObjectNode()
          .put("id", id)
          .put("object", object)
          .put("created", created)
          .put("model", modelName);
    }

    private String finishReason(FinishReason f) {
      return f == FinishReason.LENGTH ? "length" : "stop";
    }

    /** OpenAI leaves the stop sequence out of the content. */
    private String content(Generation g) {
      String text = g.text();
      if (g.finish() == FinishReason.STOP_SEQUENCE) {
        for (String s : stops) {
          if (text.endsWith(s)) {
            return text.substring(0, text.length() - s.length());
          }
        }
      }
      return text;
    }

    private ObjectNode usage(Generation g) {
      return JSON.createObjectNode()
          .put("prompt_tokens", promptTokens)
          .put("completion_tokens", g.generatedTokens())
          .put("total_tokens", promptTokens + g.generatedTokens());
    }

    @Override
    public void onToken(
        Generation g, int tokenId, String text, float logProb, String delta, FinishReason finish) {
      if (!stream) {
        if (finish != null) {
          ObjectNode out = envelope("chat.completion");
          ObjectNode choice = out.putArray("choices").addObject().put("index", 0);
          choice.putObject("message").put("role", "assistant").put("content", content(g));
          choice.put("finish_reason", finishReason(finish));
          out.set("usage", usage(g));
          current = null;
          ex.json(HttpResponseStatus.OK, out);
        }
        return;
      }
      if (!sentRole) {
        sentRole = true;
        ObjectNode first = envelope("chat.completion.chunk");
        ObjectNode c = first.putArray("choices").addObject().put("index", 0);
        c.putObject("delta").put("role", "assistant").put("content", "");
        c.putNull("finish_reason");
        ex.chunk("data: " + first + "\n\n");
      }
      // Stop sequences may span tokens: hold back text that could still become one.
      held.append(delta);
      String emit;
      if (finish != null) {
        String all = content(g);
        int already = g.text().length() - held.length();
        emit = all.length() > already ? all.substring(already) : "";
      } else {
        int keep = 0;
        for (String s : stops) {
          for (int k = Math.min(s.length() - 1, held.length()); k > keep; k--) {
            if (held.toString().endsWith(s.substring(0, k))) {
              keep = k;
              break;
            }
          }
        }
        emit = held.substring(0, held.length() - keep);
        held.delete(0, held.length() - keep);
      }
      if (!emit.isEmpty()) {
        ObjectNode chunk = envelope("chat.completion.chunk");
        ObjectNode c = chunk.putArray("choices").addObject().put("index", 0);
        c.putObject("delta").put("content", emit);
        c.putNull("finish_reason");
        ex.chunk("data: " + chunk + "\n\n");
      }
      if (finish != null) {
        ObjectNode last = envelope("chat.completion.chunk");
        ObjectNode c = last.putArray("choices").addObject().put("index", 0);
        c.putObject("delta");
        c.put("finish_reason", finishReason(finish));
        last.set("usage", usage(g));
        ex.chunk("data: " + last + "\n\n");
        ex.chunk("data: [DONE]\n\n");
        ex.endStream();
        current = null;
      }
    }

    @Override
    public void onError(Generation g, Throwable error) {
      failGeneration(ex, stream, error);
    }
  }

  /** One request's response side: headers once, then a body or a stream of chunks. */
  static final class Exchange {
    final ChannelHandlerContext ctx;
    final String requestId;
    final boolean keepAlive;
    boolean streaming;
    String streamType;

    /** The request's span when tracing is on: ends with the response. */
    Span span;

    Exchange(ChannelHandlerContext ctx, String requestId, boolean keepAlive) {
      this.ctx = ctx;
      this.requestId = requestId;
      this.keepAlive = keepAlive;
    }

    void json(HttpResponseStatus status, JsonNode body) {
      text(status, body.toString(), "application/json");
    }

    void text(HttpResponseStatus status, String body, String type) {
      FullHttpResponse r =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
      r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
      r.headers().set("x-request-id", requestId);
      HttpUtil.setContentLength(r, r.content().readableBytes());
      if (status.code() == 503) {
        r.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
      }
      HttpUtil.setKeepAlive(r, keepAlive);
      var f = ctx.writeAndFlush(r);
      if (!keepAlive) {
        f.addListener(ChannelFutureListener.CLOSE);
      }
      endSpan(status.code(), status.code() >= 500 ? status.reasonPhrase() : null);
    }

    private void endSpan(int status, String error) {
      Span s = span;
      if (s != null) {
        span = null;
        s.setAttribute("http.response.status_code", status);
        if (error != null) {
          s.setStatus(StatusCode.ERROR, error);
        }
        s.end();
      }
    }

    void error(ApiError e) {
      ObjectNode o = JSON.createObjectNode();
      ObjectNode err = o.putObject("error");
      err.put("type", e.type).put("message", e.getMessage());
      if (e.param == null) {
        err.putNull("param");
      } else {
        err.put("param", e.param);
      }
      json(e.status, o);
    }

    /** Headers go out with the first chunk, on the scheduler thread, so they precede it. */
    private void startStream() {
      streaming = true;
      String type = streamType;
      HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
      r.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
      r.headers().set("x-request-id", requestId);
      HttpUtil.setKeepAlive(r, keepAlive);
      ctx.writeAndFlush(r);
    }

    void chunk(String s) {
      if (!streaming) {
        startStream();
      }
      ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(s, StandardCharsets.UTF_8)));
    }

    /** An error after the stream began: reported in-band, as the last event. */
    void streamError(ApiError e) {
      ObjectNode o = JSON.createObjectNode();
      o.putObject("error").put("type", e.type).put("message", e.getMessage()).putNull("param");
      chunk(streamType.equals("text/event-stream") ? "data: " + o + "\n\n" : o + "\n");
      if (span != null) {
        span.setStatus(StatusCode.ERROR, e.type);
      }
      endStream();
    }

    void endStream() {
      if (!streaming) {
        startStream();
      }
      var f = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
      if (!keepAlive) {
        f.addListener(ChannelFutureListener.CLOSE);
      }
      endSpan(200, null);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  static List<String> list(String... s) {
    return new ArrayList<>(List.of(s));
  }
}
