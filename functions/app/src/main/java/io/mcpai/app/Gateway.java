package io.mcpai.app;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mcpai.core.context.ContextFormatter;
import io.mcpai.core.context.FormattedContext;
import io.mcpai.core.cost.ProviderPricing;
import io.mcpai.core.protocol.ChatRequest;
import io.mcpai.core.protocol.Problem;
import io.mcpai.core.protocol.ProtocolException;
import io.mcpai.core.protocol.ProtocolJson;
import io.mcpai.core.provider.Cancellable;
import io.mcpai.core.provider.Completion;
import io.mcpai.core.provider.GenerationCall;
import io.mcpai.core.provider.ProviderConfig;
import io.mcpai.core.provider.ProviderException;
import io.mcpai.core.requestlog.RequestLog;
import io.mcpai.core.requestlog.RequestRecord;
import io.mcpai.core.routing.Attempt;
import io.mcpai.core.routing.NoProviderException;
import io.mcpai.core.routing.ProviderRouter;
import io.mcpai.core.routing.Routed;
import io.mcpai.core.routing.RoutedProvider;
import io.mcpai.core.security.Caller;
import io.mcpai.core.security.Rejection;
import io.mcpai.core.session.CachedCompletion;
import io.mcpai.core.session.ResponseCache;
import io.mcpai.core.session.SessionFormatter;
import io.mcpai.core.session.StoreUnavailableException;
import io.mcpai.core.tracing.Tracing;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The request pipeline after transport: validate and format (core), route and call (the router),
 * respond, and record (request log, metrics). Non-blocking end to end: formatting is CPU work on
 * the caller's thread, provider calls complete on the HTTP client's threads.
 */
final class Gateway {
  private static final Logger log = LoggerFactory.getLogger(Gateway.class);

  private final ContextFormatter formatter;
  private final ProviderRouter router;
  private final RequestLog requestLog;
  private final GatewayMetrics metrics;
  private final SessionFormatter sessions;
  private final ResponseCache cache; // null when MCP_RESPONSE_CACHE=off
  private final Map<String, ProviderPricing> pricing = new HashMap<>();
  private final Tracing tracing;

  Gateway(
      ContextFormatter formatter,
      ProviderRouter router,
      RequestLog requestLog,
      GatewayMetrics metrics,
      Tracing tracing,
      SessionFormatter sessions,
      ResponseCache cache) {
    this.formatter = formatter;
    this.router = router;
    this.requestLog = requestLog;
    this.metrics = metrics;
    this.sessions = sessions;
    this.cache = cache;
    this.tracing = tracing;
    for (RoutedProvider p : router.providers()) {
      pricing.put(p.name(), ProviderPricing.of(p.config())); // a bad price fails start-up
    }
    metrics.gauge("mcp_session_append_conflicts", sessions::conflicts);
  }

  ProviderRouter router() {
    return router;
  }

  ContextFormatter formatter() {
    return formatter;
  }

  /**
   * A JSON answer and the provider that produced it; {@code cache} ({@code hit}, {@code miss},
   * {@code bypass}) when the response cache is on, the session's version after a session turn.
   */
  record Answer(String json, String provider, String cache, Long sessionVersion) {}

  /** Where a completion came from: a provider call, or the response cache. */
  private record Outcome(Completion completion, String provider, int retries, String cache) {
    static Outcome routed(Routed r, String cache) {
      return new Outcome(r.completion(), r.provider().name(), r.retries(), cache);
    }
  }

  // ---- POST /v1/generate ----

  Mono<Answer> generate(String body, Timing t) {
    return generate(body, t, CallContext.NONE);
  }

  Mono<Answer> generate(String body, Timing t, CallContext ctx) {
    ChatRequest req;
    try {
      req = cacheable(formatter.parser().parse(body), ctx);
      checkProvider(req.provider());
    } catch (ProtocolException e) {
      return Mono.error(e);
    }
    if (req.sessionId() == null) {
      FormattedContext fc;
      try {
        fc = formatter.formatParsed(req);
      } catch (ProtocolException e) {
        return Mono.error(e);
      }
      return complete(fc, req.provider(), t, ctx, "generate")
          .map(o -> answer(generateJson(fc, o, t.requestId, null), o, null));
    }
    return prepare(ctx, req)
        .flatMap(
            sp ->
                complete(sp.context(), req.provider(), t, ctx, "generate")
                    .flatMap(
                        o ->
                            commit(sp, o)
                                .map(
                                    v ->
                                        answer(
                                            generateJson(sp.context(), o, t.requestId, v), o, v))));
  }

  private Answer answer(String json, Outcome o, Long sessionVersion) {
    return new Answer(json, o.provider(), cache == null ? null : o.cache(), sessionVersion);
  }

  // ---- sessions and the response cache ----

  /** Asks for the fitted token ids when the answer may be cached: they are the cache key. */
  private ChatRequest cacheable(ChatRequest r, CallContext ctx) {
    var p = r.parameters();
    if (cache == null || ctx.noStore() || !ResponseCache.deterministic(p.temperature(), p.seed())) {
      return r;
    }
    return r.withParameters(p.withReturnTokenIds(true));
  }

  private Mono<SessionFormatter.Prepared> prepare(CallContext ctx, ChatRequest req) {
    return Mono.defer(() -> Mono.fromFuture(sessions.prepare(ctx.scope(), req)))
        .doOnError(StoreUnavailableException.class, e -> sessionStoreFailed(e));
  }

  private Mono<Long> commit(SessionFormatter.Prepared sp, Outcome o) {
    return Mono.fromFuture(sessions.commit(sp, o.completion().text()))
        .doOnNext(v -> metrics.sessionTurn())
        .doOnError(e -> sessionStoreFailed(e));
  }

  private void sessionStoreFailed(Throwable e) {
    metrics.error("session_store_unavailable");
    log.warn("session store: {}", e.getMessage());
  }

  /**
   * A completion for {@code fc}: from the response cache when the request is deterministic and the
   * caller allows it, else from the providers (and then cached). A cache that cannot be reached
   * counts as a miss: stateless requests never fail because of the store.
   */
  private Mono<Outcome> complete(
      FormattedContext fc, String pinned, Timing t, CallContext ctx, String api) {
    try {
      t.guard.admit(fc); // the key's allow-lists and token budget, on the fitted prompt
    } catch (Rejection e) {
      return Mono.error(e);
    }
    FormattedContext.Metadata m = fc.metadata();
    if (cache == null
        || fc.tokenIds() == null
        || ctx.noStore()
        || !ResponseCache.deterministic(m.temperature(), m.seed())) {
      return route(fc, pinned, t, api).map(r -> Outcome.routed(r, cached("bypass")));
    }
    String key =
        ResponseCache.key(
            m.model(),
            m.tokenizer(),
            fc.tokenIds(),
            m.maxTokens(),
            m.temperature(),
            m.topP(),
            m.stop(),
            m.seed(),
            pinned);
    String missed = ctx.noCache() ? "bypass" : "miss";
    Mono<CachedCompletion> lookup =
        ctx.noCache()
            ? Mono.empty()
            : Mono.defer(() -> Mono.fromFuture(cache.get(key)))
                .onErrorResume(
                    e -> {
                      metrics.cache("error");
                      log.warn("response cache: {}", e.getMessage());
                      return Mono.empty();
                    });
    return lookup
        .map(
            c -> {
              t.guard.settle(0); // a cached answer costs the key no tokens
              return new Outcome(
                  new Completion(c.text(), c.completionTokens(), c.finishReason()),
                  c.provider(),
                  0,
                  cached("hit"));
            })
        .switchIfEmpty(
            Mono.defer(
                () ->
                    route(fc, pinned, t, api)
                        .map(
                            r -> {
                              Completion c = r.completion();
                              cache
                                  .put(
                                      key,
                                      new CachedCompletion(
                                          c.text(),
                                          c.completionTokens(),
                                          c.finishReason(),
                                          r.provider().name()))
                                  .exceptionally(
                                      e -> {
                                        log.warn("response cache: {}", e.getMessage());
                                        return null;
                                      });
                              return Outcome.routed(r, cached(missed));
                            })));
  }

  private String cached(String result) {
    if (cache != null) {
      metrics.cache(result);
    }
    return result;
  }

  private Mono<Routed> route(FormattedContext fc, String pinned, Timing t, String api) {
    GenerationCall call =
        call(fc, t, "generate".equals(api) ? "/v1/generate" : "/v1/chat/completions");
    t.routed = true;
    return Mono.fromFuture(router.generate(call, pinned, t.guard::allowsProvider))
        .doOnNext(
            r -> {
              t.upstreamNanos = r.upstreamNanos();
              record(t, api, false, fc, r, null, 200);
            })
        .doOnError(e -> record(t, api, false, fc, null, e, statusOf(e)));
  }

  private void checkProvider(String name) {
    if (name != null && router.provider(name) == null) {
      throw new ProtocolException(
          422,
          ProtocolException.INVALID,
          List.of(
              Problem.invalid(
                  "provider",
                  "unknown provider '"
                      + name
                      + "'; configured: "
                      + router.providers().stream().map(RoutedProvider::name).toList(),
                  router.providers().stream().map(RoutedProvider::name).toList())));
    }
  }

  private GenerationCall call(FormattedContext fc, Timing t, String route) {
    FormattedContext.Metadata m = fc.metadata();
    if (tracing.enabled()) {
      t.trace = RequestTrace.start(tracing, t, route);
    }
    return new GenerationCall(
        t.requestId,
        m.model(),
        fc.prompt(),
        fc.messages(),
        fc.promptTokens(),
        m.maxTokens(),
        m.temperature(),
        m.topP(),
        m.stop(),
        m.seed(),
        t.trace == null ? null : t.trace.traceparent());
  }

  private static String generateJson(
      FormattedContext fc, Outcome r, String requestId, Long sessionVersion) {
    Completion c = r.completion();
    int completion = Math.max(0, c.completionTokens());
    StringWriter w = new StringWriter(256 + c.text().length());
    try (JsonGenerator g = ProtocolJson.mapper().getFactory().createGenerator(w)) {
      g.writeStartObject();
      g.writeStringField("response", c.text());
      g.writeNumberField("context_length", fc.promptTokens());
      g.writeStringField("provider", r.provider());
      g.writeStringField("model", fc.metadata().model());
      g.writeObjectFieldStart("usage");
      g.writeNumberField("prompt_tokens", fc.promptTokens());
      g.writeNumberField("completion_tokens", completion);
      g.writeNumberField("total_tokens", fc.promptTokens() + completion);
      g.writeEndObject();
      g.writeFieldName("dropped");
      g.writeObject(fc.dropped());
      if (fc.truncated() != null) {
        g.writeFieldName("truncated");
        g.writeObject(fc.truncated());
      }
      g.writeStringField("finish_reason", c.finishReason());
      g.writeNumberField("retries", r.retries());
      g.writeStringField("protocol_version", ChatRequest.PROTOCOL_VERSION);
      g.writeStringField("request_id", requestId);
      if (sessionVersion != null) {
        g.writeStringField("session_id", fc.metadata().sessionId());
        g.writeNumberField("session_version", sessionVersion);
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  // ---- POST /v1/chat/completions ----

  /** The OpenAI request as a parsed protocol request; {@code x-session-id} names its session. */
  private ChatRequest parse(OpenAiChat.Parsed p, CallContext ctx) {
    if (formatter.catalog().profile(p.model()) == null) {
      throw new ProtocolException(
          404,
          "model_not_found",
          List.of(
              new Problem(
                  "model",
                  "the model '"
                      + p.model()
                      + "' does not exist; available: "
                      + formatter.catalog().names(),
                  formatter.catalog().names(),
                  404)));
    }
    if (ctx.sessionId() != null && p.protocol() instanceof ObjectNode o) {
      o.put("session_id", ctx.sessionId());
    }
    try {
      return formatter.parser().parse(p.protocol());
    } catch (ProtocolException e) {
      throw OpenAiChat.renamed(e, p.paths());
    }
  }

  private FormattedContext format(OpenAiChat.Parsed p, ChatRequest req) {
    try {
      return formatter.formatParsed(req);
    } catch (ProtocolException e) {
      throw OpenAiChat.renamed(e, p.paths());
    }
  }

  /** A session turn for the OpenAI API: the messages may hold only the system and new user turn. */
  private Mono<SessionFormatter.Prepared> prepareChat(CallContext ctx, ChatRequest req) {
    if (!req.conversationHistory().isEmpty()) {
      return Mono.error(
          new ProtocolException(
              422,
              ProtocolException.INVALID,
              List.of(
                  Problem.invalid(
                      "messages",
                      "with "
                          + CallContext.SESSION_HEADER
                          + " the session holds the history: send only the new user message"
                          + " (and optionally a system message)"))));
    }
    return prepare(ctx, req);
  }

  Mono<Answer> chat(OpenAiChat.Parsed p, Timing t) {
    return chat(p, t, CallContext.NONE);
  }

  Mono<Answer> chat(OpenAiChat.Parsed p, Timing t, CallContext ctx) {
    ChatRequest req;
    try {
      req = cacheable(parse(p, ctx), ctx);
    } catch (ProtocolException e) {
      return Mono.error(e);
    }
    long created = System.currentTimeMillis() / 1000;
    if (req.sessionId() == null) {
      FormattedContext fc;
      try {
        fc = format(p, req);
      } catch (ProtocolException e) {
        return Mono.error(e);
      }
      return complete(fc, null, t, ctx, "chat").map(o -> chatAnswer(p, fc, o, t, created, null));
    }
    return prepareChat(ctx, req)
        .flatMap(
            sp ->
                complete(sp.context(), null, t, ctx, "chat")
                    .flatMap(
                        o ->
                            commit(sp, o).map(v -> chatAnswer(p, sp.context(), o, t, created, v))));
  }

  private Answer chatAnswer(
      OpenAiChat.Parsed p, FormattedContext fc, Outcome o, Timing t, long created, Long version) {
    Completion c = o.completion();
    return answer(
        OpenAiChat.completion(
            "chatcmpl-" + t.requestId,
            created,
            p.model(),
            c.text(),
            c.finishReason(),
            fc.promptTokens(),
            Math.max(0, c.completionTokens())),
        o,
        version);
  }

  /**
   * SSE data strings: the role chunk with the first token, content chunks, a last chunk with {@code
   * finish_reason} and {@code usage}, then {@code [DONE]}. A failure before the first token errors
   * the Flux before anything is written (the client gets a JSON error status); after it, an {@code
   * error} event ends the stream without {@code [DONE]}.
   */
  Flux<String> chatStream(OpenAiChat.Parsed p, Timing t) {
    return chatStream(p, t, CallContext.NONE);
  }

  /** As above; a session turn is stored before {@code [DONE]}. Streams bypass the cache. */
  Flux<String> chatStream(OpenAiChat.Parsed p, Timing t, CallContext ctx) {
    ChatRequest req;
    FormattedContext fc;
    try {
      req = parse(p, ctx);
      fc = req.sessionId() == null ? format(p, req) : null;
    } catch (ProtocolException e) {
      return Flux.error(e);
    }
    if (fc != null) {
      return stream(p, t, fc, null);
    }
    return prepareChat(ctx, req).flatMapMany(sp -> stream(p, t, sp.context(), sp));
  }

  private Flux<String> stream(
      OpenAiChat.Parsed p, Timing t, FormattedContext fc, SessionFormatter.Prepared session) {
    try {
      t.guard.admit(fc);
    } catch (Rejection e) {
      return Flux.error(e);
    }
    GenerationCall call = call(fc, t, "/v1/chat/completions");
    String id = "chatcmpl-" + t.requestId;
    long created = System.currentTimeMillis() / 1000;
    t.routed = true;
    // Tokens sent so far: what a client that hangs up mid-stream is charged for.
    AtomicInteger streamed = new AtomicInteger();
    return Flux.create(
        sink -> {
          Cancellable c =
              router.stream(
                  call,
                  null,
                  t.guard::allowsProvider,
                  new ProviderRouter.RoutedStreamListener() {
                    boolean first = true;
                    final StringBuilder text = new StringBuilder();

                    @Override
                    public void onToken(String token) {
                      streamed.incrementAndGet();
                      if (session != null) {
                        text.append(token);
                      }
                      if (first) {
                        first = false;
                        sink.next(
                            OpenAiChat.chunk(id, created, p.model(), "assistant", "", null, 0, 0));
                      }
                      sink.next(OpenAiChat.chunk(id, created, p.model(), null, token, null, 0, 0));
                    }

                    @Override
                    public void onComplete(Routed r) {
                      t.upstreamNanos = r.upstreamNanos();
                      if (first) {
                        sink.next(
                            OpenAiChat.chunk(id, created, p.model(), "assistant", "", null, 0, 0));
                      }
                      Completion done = r.completion();
                      record(t, "chat", true, fc, r, null, 200);
                      metrics.firstToken(r.provider().name(), r.firstTokenNanos());
                      Runnable finish =
                          () -> {
                            sink.next(
                                OpenAiChat.chunk(
                                    id,
                                    created,
                                    p.model(),
                                    null,
                                    null,
                                    done.finishReason(),
                                    fc.promptTokens(),
                                    Math.max(0, done.completionTokens())));
                            sink.next("[DONE]");
                            sink.complete();
                          };
                      if (session == null) {
                        finish.run();
                        return;
                      }
                      sessions
                          .commit(session, text.toString())
                          .whenComplete(
                              (v, e) -> {
                                if (e == null) {
                                  metrics.sessionTurn();
                                  finish.run();
                                  return;
                                }
                                sessionStoreFailed(e);
                                sink.next(
                                    OpenAiChat.errorJson(
                                        503,
                                        "session_store_unavailable",
                                        "the answer was not stored in the session: "
                                            + e.getMessage(),
                                        null));
                                sink.complete();
                              });
                    }

                    @Override
                    public void onError(
                        Throwable error, boolean afterFirstToken, List<Attempt> attempts) {
                      record(
                          t,
                          "chat",
                          true,
                          fc,
                          null,
                          error,
                          afterFirstToken ? 502 : statusOf(error));
                      if (!afterFirstToken) {
                        sink.error(error);
                        return;
                      }
                      sink.next(
                          OpenAiChat.errorJson(
                              502,
                              "stream_interrupted",
                              "the provider failed after the stream started: " + error.getMessage(),
                              null));
                      sink.complete();
                    }
                  });
          sink.onCancel(
              () -> {
                c.cancel();
                // The client hung up: the rest of the reservation goes back to its key now, not
                // when the bucket refills (settling again later is a no-op).
                t.guard.settle(fc.promptTokens() + streamed.get());
              });
        });
  }

  // ---- recording ----

  static int statusOf(Throwable e) {
    Throwable c = e;
    while (c.getCause() != null
        && !(c instanceof ProtocolException)
        && !(c instanceof NoProviderException)
        && !(c instanceof ProviderException)
        && !(c instanceof Rejection)) {
      c = c.getCause();
    }
    if (c instanceof ProtocolException p) {
      return p.status();
    }
    if (c instanceof Rejection r) {
      return r.status();
    }
    if (c instanceof NoProviderException) {
      return 503;
    }
    if (c instanceof ProviderException pe && pe.requestFault()) {
      return pe.status();
    }
    return 502;
  }

  private void record(
      Timing t,
      String api,
      boolean stream,
      FormattedContext fc,
      Routed r,
      Throwable err,
      int status) {
    long now = System.nanoTime();
    long total = now - t.startNanos;
    String model = fc.metadata().model();
    RoutedProvider p = r == null ? null : r.provider();
    ProviderConfig cfg = p == null ? null : p.config();
    int completion = r == null ? 0 : Math.max(0, r.completion().completionTokens());
    // A failed call gives its reserved tokens back; an answered one pays what it used.
    t.guard.settle(err == null ? fc.promptTokens() + completion : 0);
    String error = null;
    if (err != null) {
      error =
          err instanceof NoProviderException
              ? "no_provider"
              : err instanceof ProviderException pe ? pe.reason() : err.getClass().getSimpleName();
      metrics.error(error);
    } else {
      metrics.answered(model, p.name(), total);
    }
    List<Attempt> attempts = r == null ? List.of() : r.attempts();
    Caller caller = t.caller == null ? Caller.ANONYMOUS : t.caller;
    double cost =
        p == null ? 0 : pricing.get(p.name()).cost(fc.promptTokens(), completion, servedMs(r));
    if (p != null) {
      metrics.cost(p.name(), model, caller.keyId(), cost);
    }
    RequestRecord rec =
        new RequestRecord(
            System.currentTimeMillis(),
            t.requestId,
            api,
            stream,
            model,
            p == null ? lastProvider(err) : p.name(),
            cfg == null ? null : cfg.kind(),
            cfg == null ? null : cfg.region(),
            status,
            error,
            fc.promptTokens(),
            completion,
            total / 1e6,
            r == null || !stream ? null : r.firstTokenNanos() / 1e6,
            (r == null ? 0 : r.upstreamNanos()) / 1e6,
            r == null ? 0 : r.retries(),
            attempts,
            cost,
            caller.tenant(),
            caller.keyId());
    requestLog.record(rec);
    if (t.trace != null) {
      t.trace.end(rec);
    }
  }

  /** The answering try's time: what an instance-hour-priced provider spent on the request. */
  private static double servedMs(Routed r) {
    List<Attempt> attempts = r.attempts();
    for (int i = attempts.size() - 1; i >= 0; i--) {
      if ("ok".equals(attempts.get(i).outcome())) {
        return attempts.get(i).micros() / 1000.0;
      }
    }
    return r.upstreamNanos() / 1e6;
  }

  private static String lastProvider(Throwable err) {
    return err instanceof ProviderException pe ? pe.provider() : null;
  }
}
