package io.mcpai.core.requestlog;

import com.fasterxml.jackson.core.JsonGenerator;
import io.mcpai.core.routing.Attempt;
import java.io.IOException;
import java.util.List;

/**
 * One request, as the learner reads it (schema {@code "v": 1}, documented in the README):
 *
 * <pre>{@code
 * {"v":1, "ts":"2025-01-01T12:00:00.123Z", "request_id":"…", "api":"generate", "stream":false,
 *  "model":"llama-2-7b-chat", "provider":"aws", "kind":"lmi-http", "region":"us-east-1",
 *  "status":200, "error":null, "prompt_tokens":42, "completion_tokens":17,
 *  "latency_ms":35.2, "ttft_ms":null, "upstream_ms":34.9, "retries":0,
 *  "attempts":[{"provider":"aws","outcome":"ok","ms":34.9}], "cost_usd":0.0000885,
 *  "tenant":"local", "key":"anonymous"}
 * }</pre>
 *
 * <p>Fields are only ever added within a version ({@code tenant} and {@code key} came with cost
 * tracking); {@code v} changes when a field changes meaning or goes away.
 *
 * @param provider the provider that answered, or the last one tried, or null when none was
 * @param error null on success, else a short type ({@code no_provider}, {@code http_422}, ...)
 * @param ttftMs time to first token for streams, else null
 * @param costUsd what the answer cost ({@link io.mcpai.core.cost.ProviderPricing})
 * @param tenant the caller's tenant ({@code local} when authentication is off), or null
 * @param key the caller's key id (never the key), {@code anonymous} when authentication is off
 */
public record RequestRecord(
    long epochMillis,
    String requestId,
    String api,
    boolean stream,
    String model,
    String provider,
    String kind,
    String region,
    int status,
    String error,
    int promptTokens,
    int completionTokens,
    double latencyMs,
    Double ttftMs,
    double upstreamMs,
    int retries,
    List<Attempt> attempts,
    double costUsd,
    String tenant,
    String key) {

  public static final int VERSION = 1;

  /** A record without a caller (written before callers existed, or by tools). */
  public RequestRecord(
      long epochMillis,
      String requestId,
      String api,
      boolean stream,
      String model,
      String provider,
      String kind,
      String region,
      int status,
      String error,
      int promptTokens,
      int completionTokens,
      double latencyMs,
      Double ttftMs,
      double upstreamMs,
      int retries,
      List<Attempt> attempts,
      double costUsd) {
    this(
        epochMillis,
        requestId,
        api,
        stream,
        model,
        provider,
        kind,
        region,
        status,
        error,
        promptTokens,
        completionTokens,
        latencyMs,
        ttftMs,
        upstreamMs,
        retries,
        attempts,
        costUsd,
        null,
        null);
  }

  /** Writes the record as one JSON object (no reflection). */
  public void write(JsonGenerator g) throws IOException {
    g.writeStartObject();
    g.writeNumberField("v", VERSION);
    g.writeStringField("ts", java.time.Instant.ofEpochMilli(epochMillis).toString());
    g.writeStringField("request_id", requestId);
    g.writeStringField("api", api);
    g.writeBooleanField("stream", stream);
    g.writeStringField("model", model);
    g.writeStringField("provider", provider);
    g.writeStringField("kind", kind);
    g.writeStringField("region", region);
    g.writeNumberField("status", status);
    g.writeStringField("error", error);
    g.writeNumberField("prompt_tokens", promptTokens);
    g.writeNumberField("completion_tokens", completionTokens);
    g.writeNumberField("latency_ms", round(latencyMs));
    if (ttftMs == null) {
      g.writeNullField("ttft_ms");
    } else {
      g.writeNumberField("ttft_ms", round(ttftMs));
    }
    g.writeNumberField("upstream_ms", round(upstreamMs));
    g.writeNumberField("retries", retries);
    g.writeArrayFieldStart("attempts");
    for (Attempt a : attempts) {
      g.writeStartObject();
      g.writeStringField("provider", a.provider());
      g.writeStringField("outcome", a.outcome());
      g.writeNumberField("ms", round(a.micros() / 1000.0));
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeNumberField("cost_usd", costUsd);
    g.writeStringField("tenant", tenant);
    g.writeStringField("key", key);
    g.writeEndObject();
  }

  private static double round(double ms) {
    return Math.round(ms * 1000.0) / 1000.0;
  }
}
