package io.mcpai.app;

import com.fasterxml.jackson.core.JsonGenerator;
import io.mcpai.core.context.ContextFormatter;
import io.mcpai.core.context.FormattedContext;
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
import io.mcpai.core.security.Rejection;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The request pipeline after transport: validate and format (core), route and call (the router),
 * respond, and record (request log, metrics). Non-blocking end to end: formatting is CPU work on
 * the caller's thread, provider calls complete on the HTTP client's threads.
 */
final class Gateway {
  private final ContextFormatter formatter;
  private final ProviderRouter router;
  private final RequestLog requestLog;
  private final GatewayMetrics metrics;

  Gateway(
      ContextFormatter formatter,
      ProviderRouter router,
      RequestLog requestLog,
      GatewayMetrics metrics) {
    this.formatter = formatter;
    this.router = router;
    this.requestLog = requestLog;
    this.metrics = metrics;
  }

  ProviderRouter router() {
    return router;
  }

  ContextFormatter formatter() {
    return formatter;
  }

  /** A JSON answer and the provider that produced it. */
  record Answer(String json, String provider) {}

  // ---- POST /v1/generate ----

  Mono<Answer> generate(String body, Timing t) {
    FormattedContext fc;
    try {
      fc = formatter.format(body);
      checkProvider(fc.metadata().provider());
      t.guard.admit(fc);
    } catch (ProtocolException | Rejection e) {
      return Mono.error(e);
    }
    GenerationCall call = call(fc, t.requestId);
    t.routed = true;
    return Mono.fromFuture(router.generate(call, fc.metadata().provider()))
        .map(
            r -> {
              t.upstreamNanos = r.upstreamNanos();
              record(t, "generate", false, fc, r, null, 200);
              return new Answer(generateJson(fc, r, t.requestId), r.provider().name());
            })
        .doOnError(e -> record(t, "generate", false, fc, null, e, statusOf(e)));
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

  private static GenerationCall call(FormattedContext fc, String requestId) {
    FormattedContext.Metadata m = fc.metadata();
    return new GenerationCall(
        requestId,
        m.model(),
        fc.prompt(),
        fc.messages(),
        fc.promptTokens(),
        m.maxTokens(),
        m.temperature(),
        m.topP(),
        m.stop(),
        m.seed());
  }

  private static String generateJson(FormattedContext fc, Routed r, String requestId) {
    Completion c = r.completion();
    int completion = Math.max(0, c.completionTokens());
    StringWriter w = new StringWriter(256 + c.text().length());
    try (JsonGenerator g = ProtocolJson.mapper().getFactory().createGenerator(w)) {
      g.writeStartObject();
      g.writeStringField("response", c.text());
      g.writeNumberField("context_length", fc.promptTokens());
      g.writeStringField("provider", r.provider().name());
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
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  // ---- POST /v1/chat/completions ----

  private FormattedContext format(OpenAiChat.Parsed p) {
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
    try {
      return formatter.format(formatter.parser().parse(p.protocol()));
    } catch (ProtocolException e) {
      throw OpenAiChat.renamed(e, p.paths());
    }
  }

  Mono<Answer> chat(OpenAiChat.Parsed p, Timing t) {
    FormattedContext fc;
    try {
      fc = format(p);
      t.guard.admit(fc);
    } catch (ProtocolException | Rejection e) {
      return Mono.error(e);
    }
    GenerationCall call = call(fc, t.requestId);
    t.routed = true;
    long created = System.currentTimeMillis() / 1000;
    return Mono.fromFuture(router.generate(call, null))
        .map(
            r -> {
              t.upstreamNanos = r.upstreamNanos();
              record(t, "chat", false, fc, r, null, 200);
              Completion c = r.completion();
              return new Answer(
                  OpenAiChat.completion(
                      "chatcmpl-" + t.requestId,
                      created,
                      p.model(),
                      c.text(),
                      c.finishReason(),
                      fc.promptTokens(),
                      Math.max(0, c.completionTokens())),
                  r.provider().name());
            })
        .doOnError(e -> record(t, "chat", false, fc, null, e, statusOf(e)));
  }

  /**
   * SSE data strings: the role chunk with the first token, content chunks, a last chunk with {@code
   * finish_reason} and {@code usage}, then {@code [DONE]}. A failure before the first token errors
   * the Flux before anything is written (the client gets a JSON error status); after it, an {@code
   * error} event ends the stream without {@code [DONE]}.
   */
  Flux<String> chatStream(OpenAiChat.Parsed p, Timing t) {
    FormattedContext fc;
    try {
      fc = format(p);
      t.guard.admit(fc);
    } catch (ProtocolException | Rejection e) {
      return Flux.error(e);
    }
    GenerationCall call = call(fc, t.requestId);
    String id = "chatcmpl-" + t.requestId;
    long created = System.currentTimeMillis() / 1000;
    t.routed = true;
    return Flux.create(
        sink -> {
          Cancellable c =
              router.stream(
                  call,
                  null,
                  new ProviderRouter.RoutedStreamListener() {
                    boolean first = true;

                    @Override
                    public void onToken(String text) {
                      if (first) {
                        first = false;
                        sink.next(
                            OpenAiChat.chunk(id, created, p.model(), "assistant", "", null, 0, 0));
                      }
                      sink.next(OpenAiChat.chunk(id, created, p.model(), null, text, null, 0, 0));
                    }

                    @Override
                    public void onComplete(Routed r) {
                      t.upstreamNanos = r.upstreamNanos();
                      if (first) {
                        sink.next(
                            OpenAiChat.chunk(id, created, p.model(), "assistant", "", null, 0, 0));
                      }
                      Completion done = r.completion();
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
                      record(t, "chat", true, fc, r, null, 200);
                      metrics.firstToken(r.provider().name(), r.firstTokenNanos());
                      sink.complete();
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
          sink.onCancel(c::cancel);
        });
  }

  // ---- recording ----

  static int statusOf(Throwable e) {
    Throwable c = e;
    while (c.getCause() != null
        && !(c instanceof ProtocolException)
        && !(c instanceof NoProviderException)
        && !(c instanceof ProviderException)) {
      c = c.getCause();
    }
    if (c instanceof ProtocolException p) {
      return p.status();
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
    requestLog.record(
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
            cfg == null ? 0 : cfg.costPer1kTokens() * (fc.promptTokens() + completion) / 1000.0));
  }

  private static String lastProvider(Throwable err) {
    return err instanceof ProviderException pe ? pe.provider() : null;
  }
}
