package io.mcpai.core.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * OpenTelemetry spans exported by OTLP/HTTP (protobuf), on only when an endpoint is configured:
 * {@code MCP_OTEL_ENDPOINT} or {@code OTEL_EXPORTER_OTLP_ENDPOINT} (a collector's base URL, {@code
 * /v1/traces} appended) or {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} (used as it is). Off, it is
 * {@link #OFF}: callers check {@link #enabled()} and touch no OpenTelemetry object, so a request
 * pays one field read.
 *
 * <p>Context crosses processes as the W3C {@code traceparent} header: the gateway sends its
 * provider-call span's, the endpoint makes its span that span's child.
 *
 * <p>Settings: {@code OTEL_SERVICE_NAME} (default: the caller's), {@code MCP_OTEL_SAMPLE_RATIO}
 * (0..1, default 1: a fraction of new traces; a sampled parent is always followed).
 *
 * <p>The OpenTelemetry jars are optional dependencies of the core: only modules that declare them
 * (the gateway, the endpoint) may load this class.
 */
public final class Tracing implements AutoCloseable {
  public static final String ENDPOINT_ENV = "MCP_OTEL_ENDPOINT";
  public static final String SAMPLE_RATIO_ENV = "MCP_OTEL_SAMPLE_RATIO";
  public static final String TRACEPARENT = "traceparent";

  public static final Tracing OFF = new Tracing(null, null, null);

  private static final TextMapGetter<String> HEADER =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
          return List.of(TRACEPARENT);
        }

        @Override
        public String get(String carrier, String key) {
          return TRACEPARENT.equals(key) ? carrier : null;
        }
      };

  private final SdkTracerProvider provider;
  private final Tracer tracer;
  private final String endpoint;

  private Tracing(SdkTracerProvider provider, Tracer tracer, String endpoint) {
    this.provider = provider;
    this.tracer = tracer;
    this.endpoint = endpoint;
  }

  /** From the environment; {@link #OFF} when no OTLP endpoint is set. */
  public static Tracing fromEnvironment(Map<String, String> env, String serviceName) {
    String url = tracesUrl(env);
    if (url == null) {
      return OFF;
    }
    double ratio = ratio(env.get(SAMPLE_RATIO_ENV));
    String service = env.getOrDefault("OTEL_SERVICE_NAME", serviceName);
    OtlpHttpSpanExporter exporter =
        OtlpHttpSpanExporter.builder().setEndpoint(url).setTimeout(Duration.ofSeconds(5)).build();
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(
                Resource.getDefault()
                    .merge(
                        Resource.create(
                            Attributes.of(AttributeKey.stringKey("service.name"), service))))
            .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(ratio)))
            .addSpanProcessor(
                BatchSpanProcessor.builder(exporter)
                    .setScheduleDelay(Duration.ofMillis(500))
                    .setMaxQueueSize(8192)
                    .build())
            .build();
    return new Tracing(provider, provider.get("io.mcpai"), url);
  }

  /**
   * The traces URL, or null when tracing is off: {@code MCP_OTEL_ENDPOINT}, else the standard
   * variables (the traces-specific one first, as the OpenTelemetry specification orders them).
   */
  static String tracesUrl(Map<String, String> env) {
    String mine = base(env, ENDPOINT_ENV);
    if (mine != null) {
      return mine;
    }
    String traces = env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
    if (traces != null && !traces.isBlank()) {
      return traces.trim();
    }
    return base(env, "OTEL_EXPORTER_OTLP_ENDPOINT");
  }

  private static String base(Map<String, String> env, String key) {
    String base = env.get(key);
    if (base == null || base.isBlank()) {
      return null;
    }
    base = base.trim();
    if (!base.startsWith("http://") && !base.startsWith("https://")) {
      throw new IllegalArgumentException(
          key + " must be an http(s) URL of an OTLP/HTTP receiver, got '" + base + "'");
    }
    return base.endsWith("/v1/traces")
        ? base
        : (base.endsWith("/") ? base : base + "/") + "v1/traces";
  }

  private static double ratio(String v) {
    if (v == null || v.isBlank()) {
      return 1.0;
    }
    try {
      double r = Double.parseDouble(v.trim());
      if (r >= 0 && r <= 1) {
        return r;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(SAMPLE_RATIO_ENV + " must be in [0, 1], got '" + v + "'");
  }

  public boolean enabled() {
    return provider != null;
  }

  /** Where spans go (for the start-up line), or {@code off}. */
  public String describe() {
    return enabled() ? endpoint : "off";
  }

  /**
   * A span whose parent is the W3C {@code traceparent} given (a new trace when null or invalid).
   * Only call when {@link #enabled()}.
   */
  public SpanBuilder span(String name, SpanKind kind, String traceparent) {
    SpanBuilder b = tracer.spanBuilder(name).setSpanKind(kind);
    if (traceparent != null) {
      b.setParent(
          W3CTraceContextPropagator.getInstance().extract(Context.root(), traceparent, HEADER));
    } else {
      b.setNoParent();
    }
    return b;
  }

  /** A span under a local parent. Only call when {@link #enabled()}. */
  public SpanBuilder child(String name, SpanKind kind, Span parent) {
    return tracer.spanBuilder(name).setSpanKind(kind).setParent(Context.root().with(parent));
  }

  /** The {@code traceparent} header that makes a remote span a child of {@code span}. */
  public static String traceparent(Span span) {
    Map<String, String> carrier = new HashMap<>(2);
    W3CTraceContextPropagator.getInstance()
        .inject(Context.root().with(span), carrier, (c, k, v) -> c.put(k, v));
    return carrier.get(TRACEPARENT);
  }

  /** Exports what is buffered, then stops. */
  @Override
  public void close() {
    if (provider != null) {
      provider.shutdown().join(5, TimeUnit.SECONDS);
    }
  }
}
