package io.mcpai.providers;

import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.DefaultAzureCredentialBuilder;
import io.mcpai.core.provider.HttpTransport;
import io.mcpai.core.provider.LmiHttpClient;
import io.mcpai.core.provider.ProviderConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * An Azure ML managed online endpoint serving an LMI container ({@code azureml}): {@code POST} to
 * the scoring URI with {@code Authorization: Bearer <key>} ({@code auth: key}, the key from the
 * environment variable named by {@code api_key_env}, default {@code AZURE_ML_KEY}) or an Entra ID
 * token for {@code https://ml.azure.com} ({@code auth: entra}, DefaultAzureCredential), and {@code
 * azureml-model-deployment} naming the deployment when {@code deployment} is set.
 */
final class AzureMlClient {
  static final String SCOPE = "https://ml.azure.com/.default";

  private AzureMlClient() {}

  static LmiHttpClient create(
      ProviderConfig config, Map<String, String> env, TokenCredential entra) {
    String auth = config.options().getOrDefault("auth", "key");
    Map<String, String> fixed = new HashMap<>();
    String deployment = config.option("deployment");
    if (deployment != null && !deployment.isBlank()) {
      fixed.put("azureml-model-deployment", deployment);
    }
    HttpTransport.Headers headers;
    switch (auth) {
      case "key" -> {
        String var = config.options().getOrDefault("api_key_env", "AZURE_ML_KEY");
        String key = env.get(var);
        if (key == null || key.isBlank()) {
          throw new IllegalArgumentException(
              "provider " + config.name() + ": auth key needs the key in $" + var);
        }
        fixed.put("authorization", "Bearer " + key);
        headers = HttpTransport.Headers.fixed(fixed);
      }
      case "entra" -> {
        TokenCredential cred = entra != null ? entra : new DefaultAzureCredentialBuilder().build();
        TokenRequestContext ctx = new TokenRequestContext().addScopes(SCOPE);
        TokenCache cache = new TokenCache();
        headers =
            body ->
                cache
                    .token(cred, ctx)
                    .thenApply(
                        t -> {
                          Map<String, String> h = new HashMap<>(fixed);
                          h.put("authorization", "Bearer " + t);
                          return h;
                        });
      }
      default ->
          throw new IllegalArgumentException(
              "provider " + config.name() + ": auth must be key or entra, got " + auth);
    }
    return new LmiHttpClient(config, config.endpoint(), config.endpoint(), null, headers);
  }

  /** Keeps the Entra token until a minute before it expires. */
  private static final class TokenCache {
    private volatile com.azure.core.credential.AccessToken current;

    CompletableFuture<String> token(TokenCredential cred, TokenRequestContext ctx) {
      var t = current;
      if (t != null
          && t.getExpiresAt().toInstant().toEpochMilli() > System.currentTimeMillis() + 60_000) {
        return CompletableFuture.completedFuture(t.getToken());
      }
      return cred.getToken(ctx)
          .toFuture()
          .thenApply(
              fresh -> {
                current = fresh;
                return fresh.getToken();
              });
    }
  }
}
