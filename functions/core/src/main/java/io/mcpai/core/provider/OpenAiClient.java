package io.mcpai.core.provider;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpai.core.protocol.ChatMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * Any OpenAI-compatible server ({@code openai}): {@code POST <endpoint>/v1/chat/completions} with
 * the kept messages. Such a server applies its own chat template, so the prompt is not token-exact
 * there; its {@code usage} is what the request log records. The key, when one is needed, comes from
 * the environment variable named by the {@code api_key_env} option.
 */
public final class OpenAiClient implements ProviderClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ProviderConfig config;
  private final HttpClient http;
  private final URI chat;
  private final URI models;
  private final String apiKey;

  public OpenAiClient(ProviderConfig config, String apiKey) {
    this.config = config;
    this.http = HttpTransport.client(config.connectTimeout());
    String base = config.endpoint().toString().replaceAll("/+$", "");
    String v1 = base.endsWith("/v1") ? base : base + "/v1";
    this.chat = URI.create(v1 + "/chat/completions");
    this.models = URI.create(v1 + "/models");
    this.apiKey = apiKey;
  }

  byte[] body(GenerationCall call, boolean stream) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(call.prompt().length() + 256);
    try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField(
          "model", config.model() != null ? config.model() : String.valueOf(call.model()));
      g.writeArrayFieldStart("messages");
      for (ChatMessage m : call.messages()) {
        g.writeStartObject();
        g.writeStringField("role", m.role().wireName());
        g.writeStringField("content", m.content());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeNumberField("max_tokens", call.maxNewTokens());
      g.writeNumberField("temperature", call.temperature());
      g.writeNumberField("top_p", call.topP());
      if (!call.stop().isEmpty()) {
        g.writeArrayFieldStart("stop");
        for (String s : call.stop()) {
          g.writeString(s);
        }
        g.writeEndArray();
      }
      if (call.seed() != null) {
        g.writeNumberField("seed", call.seed());
      }
      if (stream) {
        g.writeBooleanField("stream", true);
        g.writeObjectFieldStart("stream_options");
        g.writeBooleanField("include_usage", true);
        g.writeEndObject();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private HttpRequest request(URI uri, byte[] body, GenerationCall call) {
    String requestId = call.requestId();
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri)
            .timeout(config.requestTimeout())
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (apiKey != null && !apiKey.isEmpty()) {
      b.header("authorization", "Bearer " + apiKey);
    }
    if (requestId != null && !requestId.isEmpty()) {
      b.header("x-request-id", requestId);
    }
    if (call.traceparent() != null) {
      b.header("traceparent", call.traceparent());
    }
    return b.build();
  }

  @Override
  public CompletableFuture<Completion> generate(GenerationCall call) {
    return HttpTransport.within(
            http.sendAsync(
                request(chat, body(call, false), call), HttpResponse.BodyHandlers.ofByteArray()),
            config.requestTimeout())
        .handle(
            (resp, err) -> {
              if (err != null) {
                throw ProviderException.from(config.name(), err);
              }
              String text = new String(resp.body(), StandardCharsets.UTF_8);
              if (resp.statusCode() != 200) {
                throw ProviderException.status(config.name(), resp.statusCode(), text);
              }
              try {
                JsonNode n = JSON.readTree(text);
                JsonNode choice = n.path("choices").path(0);
                return new Completion(
                    choice.path("message").path("content").asText(""),
                    n.path("usage").path("completion_tokens").asInt(-1),
                    choice.path("finish_reason").asText("stop"));
              } catch (IOException e) {
                throw new ProviderException(
                    config.name(), ProviderException.Kind.PROTOCOL, 200, "answer is not JSON", e);
              }
            });
  }

  @Override
  public Cancellable stream(GenerationCall call, StreamListener listener) {
    LmiHttpClient.LineStream lines =
        new LmiHttpClient.LineStream(
            config.name(), listener, new SseReader(config.name(), listener));
    lines.idleTimeout(config.requestTimeout());
    CompletableFuture<?> sent =
        http.sendAsync(request(chat, body(call, true), call), lines.handler())
            .whenComplete(lines::finished);
    return () -> {
      lines.cancel();
      sent.cancel(true);
    };
  }

  @Override
  public boolean hasHealthCheck() {
    return true;
  }

  @Override
  public CompletableFuture<Void> ping() {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(models).timeout(java.time.Duration.ofSeconds(2)).GET();
    if (apiKey != null && !apiKey.isEmpty()) {
      b.header("authorization", "Bearer " + apiKey);
    }
    return http.sendAsync(b.build(), HttpResponse.BodyHandlers.discarding())
        .handle(
            (resp, err) -> {
              if (err != null) {
                throw ProviderException.from(config.name(), err);
              }
              if (resp.statusCode() >= 500) {
                throw ProviderException.status(config.name(), resp.statusCode(), "ping");
              }
              return null;
            });
  }

  /** OpenAI's server-sent events: {@code data: chunk} lines, then {@code data: [DONE]}. */
  static final class SseReader implements LineParser {
    private final String provider;
    private final StreamListener listener;
    private final StringBuilder text = new StringBuilder();
    private int tokens = -1;
    private int chunks;
    private String finish;
    private boolean done;

    SseReader(String provider, StreamListener listener) {
      this.provider = provider;
      this.listener = listener;
    }

    @Override
    public boolean line(String line) {
      if (done || !line.startsWith("data:")) {
        return done;
      }
      String data = line.substring(5).trim();
      if (data.equals("[DONE]")) {
        done = true;
        listener.onComplete(
            new Completion(text.toString(), tokens >= 0 ? tokens : chunks, finishOr()));
        return true;
      }
      JsonNode n;
      try {
        n = JSON.readTree(data);
      } catch (IOException e) {
        throw new ProviderException(
            provider, ProviderException.Kind.PROTOCOL, 200, "event is not JSON", e);
      }
      if (n.has("error")) {
        throw new ProviderException(
            provider, ProviderException.Kind.STATUS, 500, "stream error: " + n.get("error"), null);
      }
      JsonNode choice = n.path("choices").path(0);
      String delta = choice.path("delta").path("content").asText("");
      if (!delta.isEmpty()) {
        chunks++;
        text.append(delta);
        listener.onToken(delta);
      }
      if (choice.hasNonNull("finish_reason")) {
        finish = choice.get("finish_reason").asText();
      }
      if (n.hasNonNull("usage")) {
        tokens = n.get("usage").path("completion_tokens").asInt(-1);
      }
      return false;
    }

    private String finishOr() {
      return finish == null ? "stop" : finish;
    }

    @Override
    public boolean done() {
      return done;
    }
  }
}
