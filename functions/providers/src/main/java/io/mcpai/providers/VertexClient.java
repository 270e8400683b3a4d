package io.mcpai.providers;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import io.mcpai.core.provider.HttpTransport;
import io.mcpai.core.provider.LmiHttpClient;
import io.mcpai.core.provider.ProviderConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A Vertex AI endpoint serving an LMI container ({@code vertex}): the payload goes unchanged
 * through {@code :rawPredict} and {@code :streamRawPredict}, with a bearer token from Google
 * application default credentials (refreshed off the request path only when it is about to expire).
 *
 * <p>Options: {@code project}, {@code endpoint_id}, {@code region}; {@code endpoint} overrides
 * {@code https://{region}-aiplatform.googleapis.com}.
 */
final class VertexClient {
  static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";

  private VertexClient() {}

  static LmiHttpClient create(ProviderConfig config, GoogleCredentials credentials) {
    String project = required(config, "project");
    String endpointId = required(config, "endpoint_id");
    if (config.region() == null) {
      throw new IllegalArgumentException(
          "provider " + config.name() + ": kind vertex needs region");
    }
    String base =
        config.endpoint() != null
            ? config.endpoint().toString().replaceAll("/+$", "")
            : "https://" + config.region() + "-aiplatform.googleapis.com";
    String path =
        base
            + "/v1/projects/"
            + project
            + "/locations/"
            + config.region()
            + "/endpoints/"
            + endpointId;
    return new LmiHttpClient(
        config,
        URI.create(path + ":rawPredict"),
        URI.create(path + ":streamRawPredict"),
        null,
        bearer(credentials));
  }

  static LmiHttpClient create(ProviderConfig config) {
    try {
      return create(config, GoogleCredentials.getApplicationDefault().createScoped(SCOPE));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "provider "
              + config.name()
              + ": no Google application default credentials (set"
              + " GOOGLE_APPLICATION_CREDENTIALS or run on GCP): "
              + e.getMessage(),
          e);
    }
  }

  private static HttpTransport.Headers bearer(GoogleCredentials credentials) {
    return body -> {
      AccessToken t = credentials.getAccessToken();
      if (t != null
          && (t.getExpirationTime() == null
              || t.getExpirationTime().getTime() > System.currentTimeMillis() + 60_000)) {
        return CompletableFuture.completedFuture(
            Map.of("authorization", "Bearer " + t.getTokenValue()));
      }
      // Refreshing talks to Google's token endpoint: never on the caller's thread.
      return CompletableFuture.supplyAsync(
          () -> {
            try {
              credentials.refreshIfExpired();
              return Map.of(
                  "authorization", "Bearer " + credentials.getAccessToken().getTokenValue());
            } catch (IOException e) {
              throw new UncheckedIOException("cannot refresh Google credentials", e);
            }
          });
    };
  }

  static String required(ProviderConfig c, String option) {
    String v = c.option(option);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(
          "provider " + c.name() + ": kind " + c.kind() + " needs " + option);
    }
    return v;
  }
}
