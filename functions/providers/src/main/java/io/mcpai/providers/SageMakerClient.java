package io.mcpai.providers;

import io.mcpai.core.provider.Cancellable;
import io.mcpai.core.provider.Completion;
import io.mcpai.core.provider.GenerationCall;
import io.mcpai.core.provider.LmiCodec;
import io.mcpai.core.provider.ProviderClient;
import io.mcpai.core.provider.ProviderConfig;
import io.mcpai.core.provider.ProviderException;
import io.mcpai.core.provider.StreamListener;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.sagemakerruntime.SageMakerRuntimeAsyncClient;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointRequest;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointWithResponseStreamRequest;
import software.amazon.awssdk.services.sagemakerruntime.model.InvokeEndpointWithResponseStreamResponseHandler;

/**
 * A SageMaker real-time endpoint running an LMI container ({@code sagemaker}): {@code
 * InvokeEndpoint} and {@code InvokeEndpointWithResponseStream} through the AWS SDK v2 async client
 * (Netty, non-blocking), signed with SigV4 from the default credential chain. The SDK's own retries
 * are off: the router retries and fails over with a budget.
 *
 * <p>Options: {@code endpoint_name} (required), {@code region}; {@code endpoint} overrides the
 * service URL (VPC endpoints, tests).
 */
final class SageMakerClient implements ProviderClient {
  private final ProviderConfig config;
  private final String endpointName;
  private final SageMakerRuntimeAsyncClient sdk;

  SageMakerClient(ProviderConfig config, AwsCredentialsProvider credentials) {
    this.config = config;
    this.endpointName = config.option("endpoint_name");
    if (endpointName == null || endpointName.isBlank()) {
      throw new IllegalArgumentException(
          "provider " + config.name() + ": kind sagemaker needs endpoint_name");
    }
    if (config.region() == null) {
      throw new IllegalArgumentException(
          "provider " + config.name() + ": kind sagemaker needs region");
    }
    var b =
        SageMakerRuntimeAsyncClient.builder()
            .region(Region.of(config.region()))
            .credentialsProvider(credentials)
            .httpClientBuilder(
                NettyNioAsyncHttpClient.builder()
                    .connectionTimeout(config.connectTimeout())
                    .maxConcurrency(256))
            .overrideConfiguration(
                o ->
                    o.retryStrategy(DefaultRetryStrategy.doNotRetry())
                        .apiCallAttemptTimeout(config.requestTimeout()));
    if (config.endpoint() != null) {
      b.endpointOverride(config.endpoint());
    }
    this.sdk = b.build();
  }

  SageMakerClient(ProviderConfig config) {
    this(config, DefaultCredentialsProvider.builder().build());
  }

  @Override
  public CompletableFuture<Completion> generate(GenerationCall call) {
    InvokeEndpointRequest req =
        InvokeEndpointRequest.builder()
            .endpointName(endpointName)
            .contentType("application/json")
            .accept("application/json")
            .body(SdkBytes.fromByteArrayUnsafe(LmiCodec.request(call, false)))
            .build();
    return sdk.invokeEndpoint(req)
        .handle(
            (resp, err) -> {
              if (err != null) {
                throw classify(err);
              }
              return LmiCodec.response(config.name(), resp.body().asByteArrayUnsafe());
            });
  }

  private ProviderException classify(Throwable err) {
    Throwable t =
        err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
    if (t instanceof SdkServiceException s) {
      return ProviderException.status(config.name(), s.statusCode(), s.getMessage());
    }
    if (t instanceof SdkClientException c && c.getCause() != null) {
      return ProviderException.from(config.name(), c.getCause());
    }
    return ProviderException.from(config.name(), t);
  }

  @Override
  public Cancellable stream(GenerationCall call, StreamListener listener) {
    AtomicBoolean ended = new AtomicBoolean();
    StreamListener once =
        new StreamListener() {
          @Override
          public void onToken(String text) {
            if (!ended.get()) {
              listener.onToken(text);
            }
          }

          @Override
          public void onComplete(Completion c) {
            if (ended.compareAndSet(false, true)) {
              listener.onComplete(c);
            }
          }

          @Override
          public void onError(Throwable e) {
            if (ended.compareAndSet(false, true)) {
              listener.onError(e);
            }
          }
        };
    LineSplitter lines = new LineSplitter(new LmiCodec.LineReader(config.name(), once));
    InvokeEndpointWithResponseStreamRequest req =
        InvokeEndpointWithResponseStreamRequest.builder()
            .endpointName(endpointName)
            .contentType("application/json")
            .accept("application/jsonlines")
            .body(SdkBytes.fromByteArrayUnsafe(LmiCodec.request(call, true)))
            .build();
    InvokeEndpointWithResponseStreamResponseHandler handler =
        InvokeEndpointWithResponseStreamResponseHandler.builder()
            .subscriber(
                InvokeEndpointWithResponseStreamResponseHandler.Visitor.builder()
                    .onPayloadPart(
                        part -> {
                          try {
                            lines.feed(part.bytes().asByteArrayUnsafe());
                          } catch (RuntimeException e) {
                            once.onError(ProviderException.from(config.name(), e));
                          }
                        })
                    .build())
            .onError(e -> once.onError(classify(e)))
            .onComplete(
                () -> {
                  try {
                    if (!lines.finish()) {
                      once.onError(
                          new ProviderException(
                              config.name(),
                              ProviderException.Kind.PROTOCOL,
                              200,
                              "stream ended before its end",
                              null));
                    }
                  } catch (RuntimeException e) {
                    once.onError(ProviderException.from(config.name(), e));
                  }
                })
            .build();
    CompletableFuture<Void> f = sdk.invokeEndpointWithResponseStream(req, handler);
    f.whenComplete(
        (v, err) -> {
          if (err != null) {
            once.onError(classify(err));
          }
        });
    return () -> {
      ended.set(true);
      f.cancel(true);
    };
  }

  @Override
  public void close() {
    sdk.close();
  }
}
