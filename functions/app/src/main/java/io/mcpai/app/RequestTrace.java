package io.mcpai.app;

import io.mcpai.core.requestlog.RequestRecord;
import io.mcpai.core.routing.Attempt;
import io.mcpai.core.tracing.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import java.util.concurrent.TimeUnit;

/**
 * One routed request's spans: the server span (from the request's arrival, child of the caller's
 * {@code traceparent} when it sent one) and under it the provider call, whose context travels to
 * the provider as {@code traceparent} so the endpoint's span is its child. Each try is an event on
 * the provider call; both end when the request is recorded, with what the request log says.
 */
final class RequestTrace {
  private static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("mcp.provider");
  private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("mcp.outcome");
  private static final AttributeKey<Double> MS = AttributeKey.doubleKey("mcp.duration_ms");

  private final Span server;
  private final Span call;
  private final String traceparent;

  private RequestTrace(Span server, Span call) {
    this.server = server;
    this.call = call;
    this.traceparent = Tracing.traceparent(call);
  }

  /** Starts both spans; the server span's start is backdated to the request's arrival. */
  static RequestTrace start(Tracing tracing, Timing t, String route) {
    long startEpochNanos =
        TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis())
            - (System.nanoTime() - t.startNanos);
    Span server =
        tracing
            .span("POST " + route, SpanKind.SERVER, t.traceparent)
            .setStartTimestamp(startEpochNanos, TimeUnit.NANOSECONDS)
            .setAttribute("http.request.method", "POST")
            .setAttribute("http.route", route)
            .setAttribute("mcp.request_id", t.requestId)
            .startSpan();
    Span call = tracing.child("provider call", SpanKind.CLIENT, server).startSpan();
    return new RequestTrace(server, call);
  }

  /** The W3C header the provider clients send. */
  String traceparent() {
    return traceparent;
  }

  void end(RequestRecord r) {
    for (Attempt a : r.attempts()) {
      call.addEvent(
          "try",
          Attributes.of(PROVIDER, a.provider(), OUTCOME, a.outcome(), MS, a.micros() / 1000.0));
    }
    if (r.provider() != null) {
      call.setAttribute("mcp.provider", r.provider());
      server.setAttribute("mcp.provider", r.provider());
    }
    call.setAttribute("mcp.retries", r.retries());
    server.setAttribute("http.response.status_code", r.status());
    server.setAttribute("mcp.model", r.model());
    server.setAttribute("mcp.prompt_tokens", r.promptTokens());
    server.setAttribute("mcp.completion_tokens", r.completionTokens());
    server.setAttribute("mcp.cost_usd", r.costUsd());
    if (r.error() != null) {
      call.setStatus(StatusCode.ERROR, r.error());
      server.setStatus(StatusCode.ERROR, r.error());
    }
    call.end();
    server.end();
  }
}
