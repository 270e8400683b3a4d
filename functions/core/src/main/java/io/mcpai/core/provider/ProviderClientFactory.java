package io.mcpai.core.provider;

import java.util.ServiceLoader;

/**
 * Makes clients for some provider kinds. Core makes {@code lmi-http} and {@code openai}; modules
 * with cloud SDKs ({@code mcp-providers}) register theirs through {@link ServiceLoader}, so whoever
 * has them on the classpath (the gateway, the batch pipeline) gets every kind.
 */
public interface ProviderClientFactory {
  /**
   * @return a client, or null when this factory does not make {@code config.kind()}
   */
  ProviderClient create(ProviderConfig config, java.util.Map<String, String> env);

  /** A client for any configured kind, or a clear error naming what is missing. */
  static ProviderClient forConfig(ProviderConfig config, java.util.Map<String, String> env) {
    switch (config.kind()) {
      case ProviderConfig.LMI_HTTP:
        return LmiHttpClient.lmi(config);
      case ProviderConfig.OPENAI:
        String keyEnv = config.option("api_key_env");
        return new OpenAiClient(config, keyEnv == null ? null : env.get(keyEnv));
      default:
        for (ProviderClientFactory f : ServiceLoader.load(ProviderClientFactory.class)) {
          ProviderClient c = f.create(config, env);
          if (c != null) {
            return c;
          }
        }
        throw new IllegalArgumentException(
            "provider "
                + config.name()
                + ": kind "
                + config.kind()
                + " needs the mcp-providers module (io.mcpai:mcp-providers) on the classpath");
    }
  }
}
