package io.mcpai.app.serverless;

import io.mcpai.core.batch.BatchJobLaunchers;
import io.mcpai.core.config.EnvSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.codec.CodecCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.env.Environment;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.server.WebExceptionHandler;
import org.springframework.web.server.WebFilter;

/**
 * The two cloud-neutral beans the cloud adapters wrap: {@code httpGateway} (the whole HTTP API as
 * one function) and {@code batchJobs} (a queue message to a started batch job).
 */
@Configuration(proxyBeanMethods = false)
public class ServerlessConfiguration {
  /**
   * The property source a cloud adapter fills at start-up with settings read from the platform's
   * secret store (provider credentials, API keys): the gateway reads them like any setting, and
   * passes all of them to the provider clients (whose {@code api_key_env} may name any variable).
   */
  public static final String SECRETS_SOURCE = "mcpSecrets";

  static final String[] BATCH_SETTINGS = {
    "MCP_BATCH_LAUNCHER", "MCP_BATCH_COMMAND", "MCP_BATCH_LOG_DIR"
  };

  @Bean
  ServerlessHttp httpGateway(
      ObjectProvider<RouterFunction<?>> routes,
      ObjectProvider<WebFilter> filters,
      ObjectProvider<WebExceptionHandler> errors,
      ObjectProvider<CodecCustomizer> codecs,
      Environment env) {
    Duration timeout =
        Duration.ofSeconds(
            EnvSettings.integer(
                Map.of("MCP_FUNCTION_TIMEOUT_S", env.getProperty("MCP_FUNCTION_TIMEOUT_S", "300")),
                "MCP_FUNCTION_TIMEOUT_S",
                300));
    return new ServerlessHttp(ServerlessHttp.handler(routes, filters, errors, codecs), timeout);
  }

  /** Lazy: only the queue-triggered functions need a launcher. */
  @Bean
  @Lazy
  BatchJobs batchJobs(Environment env) {
    Map<String, String> settings = new HashMap<>(System.getenv());
    for (String name : BATCH_SETTINGS) {
      String v = env.getProperty(name);
      if (v != null) {
        settings.put(name, v);
      }
    }
    return new BatchJobs(BatchJobLaunchers.fromEnvironment(settings));
  }
}
