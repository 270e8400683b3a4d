package io.mcpai.batch;

import io.mcpai.core.provider.Cancellable;
import io.mcpai.core.provider.Completion;
import io.mcpai.core.provider.GenerationCall;
import io.mcpai.core.provider.HttpTransport;
import io.mcpai.core.provider.LmiCodec;
import io.mcpai.core.provider.LmiHttpClient;
import io.mcpai.core.provider.ProviderClient;
import io.mcpai.core.provider.ProviderConfig;
import io.mcpai.core.provider.ProviderException;
import io.mcpai.core.provider.StreamListener;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Core's {@code lmi-http} client plus the batch's idempotency key: each call also carries {@code
 * x-idempotency-key: <job>/<custom_id>} (the call's request id), so an endpoint or proxy that keeps
 * answers by key never generates twice for one prompt. Same LMI body and error mapping as core.
 */
final class IdempotentLmiClient implements ProviderClient {
  private final String name;
  private final HttpClient http;
  private final URI invocations;
  private final Duration timeout;
  private final LmiHttpClient core;

  IdempotentLmiClient(ProviderConfig config) {
    this.name = config.name();
    this.http = HttpTransport.client(config.connectTimeout());
    String base = config.endpoint().toString();
    this.invocations =
        URI.create(base.endsWith("/") ? base + "invocations" : base + "/invocations");
    this.timeout = config.requestTimeout();
    this.core = LmiHttpClient.lmi(config);
  }

  @Override
  public CompletableFuture<Completion> generate(GenerationCall call) {
    HttpRequest request =
        HttpRequest.newBuilder(invocations)
            .timeout(timeout)
            .header("content-type", "application/json")
            .header("accept", "application/json")
            .header("x-request-id", call.requestId())
            .header(IdempotencyKey.HEADER, call.requestId())
            .POST(HttpRequest.BodyPublishers.ofByteArray(LmiCodec.request(call, false)))
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .handle(
            (resp, err) -> {
              if (err != null) {
                throw ProviderException.from(name, err);
              }
              if (resp.statusCode() != 200) {
                throw ProviderException.status(
                    name, resp.statusCode(), new String(resp.body(), StandardCharsets.UTF_8));
              }
              return LmiCodec.response(name, resp.body());
            });
  }

  @Override
  public Cancellable stream(GenerationCall call, StreamListener listener) {
    return core.stream(call, listener);
  }

  @Override
  public boolean hasHealthCheck() {
    return core.hasHealthCheck();
  }

  @Override
  public CompletableFuture<Void> ping() {
    return core.ping();
  }
}
