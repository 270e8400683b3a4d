package io.mcpai.functions.aws;

import io.mcpai.app.serverless.ServerlessConfiguration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerAsyncClient;

/**
 * Reads the secrets the deployment names in {@code <NAME>_SECRET_ARN} settings from AWS Secrets
 * Manager at start-up and offers each as {@code <NAME>}: {@code OPENAI_API_KEY_SECRET_ARN} gives
 * {@code OPENAI_API_KEY} (a provider's {@code api_key_env}), {@code MCP_API_KEYS_SECRET_ARN} gives
 * {@code MCP_API_KEYS}. The function's configuration holds only ARNs (Terraform's {@code
 * secret_arns}, {@code api_keys_secret_arn}); values live in this process's memory. The call uses
 * the function role's credentials and region. A secret that cannot be read stops the start, naming
 * the setting and the reason: a gateway without its keys or credentials must not serve.
 */
public final class SecretsFromArns implements EnvironmentPostProcessor {
  static final String SUFFIX = "_SECRET_ARN";

  @Override
  public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication app) {
    Map<String, String> arns = arns(env);
    if (arns.isEmpty()) {
      return; // nothing to read: the SDK is not even loaded
    }
    Map<String, Object> values = Reader.read(arns);
    env.getPropertySources()
        .addFirst(new MapPropertySource(ServerlessConfiguration.SECRETS_SOURCE, values));
  }

  /** Setting name without the suffix => ARN, for every non-blank {@code *_SECRET_ARN}. */
  static Map<String, String> arns(ConfigurableEnvironment env) {
    Map<String, String> arns = new TreeMap<>();
    for (PropertySource<?> source : env.getPropertySources()) {
      if (source instanceof EnumerablePropertySource<?> e) {
        for (String name : e.getPropertyNames()) {
          // Only ARN settings are resolved: another setting may hold a literal "${...}".
          if (!name.endsWith(SUFFIX) || name.length() == SUFFIX.length()) {
            continue;
          }
          String value = env.getProperty(name);
          if (value != null && !value.isBlank()) {
            arns.put(name.substring(0, name.length() - SUFFIX.length()), value.trim());
          }
        }
      }
    }
    return arns;
  }

  /** The SDK side, in a class of its own so a start without ARNs never loads it. */
  static final class Reader {
    private Reader() {}

    static Map<String, Object> read(Map<String, String> arns) {
      Map<String, Object> values = new LinkedHashMap<>();
      try (SecretsManagerAsyncClient sm =
          SecretsManagerAsyncClient.builder()
              .httpClientBuilder(NettyNioAsyncHttpClient.builder())
              .build()) {
        arns.forEach(
            (name, arn) -> {
              String setting = name + SUFFIX;
              String value;
              try {
                value = sm.getSecretValue(b -> b.secretId(arn)).join().secretString();
              } catch (RuntimeException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                throw new IllegalStateException(
                    setting + ": cannot read secret " + arn + ": " + cause.getMessage(), cause);
              }
              if (value == null) {
                throw new IllegalStateException(
                    setting
                        + ": secret "
                        + arn
                        + " has no string value (binary secrets are not read)");
              }
              values.put(name, value);
            });
      }
      return values;
    }
  }
}
