package io.mcpai.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpai.core.context.ContextFormatter;
import io.mcpai.core.context.FormattedContext;
import io.mcpai.core.context.ModelCatalog;
import io.mcpai.core.protocol.ChatRequest;
import io.mcpai.core.protocol.ProtocolJson;
import io.mcpai.core.routing.ProviderRouter;
import io.mcpai.core.routing.RoutedProvider;
import io.mcpai.core.tokenizer.Tokenizer;
import io.mcpai.core.tokenizer.TokenizerLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import reactor.core.publisher.Mono;

/**
 * The business logic as plain {@code java.util.function} beans, the seed's {@code format_context}
 * and health check. Every runner (the local web runner here, the cloud adapters later) invokes them
 * from the function catalog by these names.
 */
@Configuration(proxyBeanMethods = false)
class FormatFunctions {

  /**
   * One catalog for the process: the tokenizer loads once and its segment cache is shared. The
   * LLaMA 2 profile counts with the tokenizer in {@code MCP_MODEL_DIR} (or {@code
   * --mcp.model.dir}), else with the embedded one, which the responses then name.
   */
  @Bean
  ModelCatalog modelCatalog(@Value("${mcp.model.dir:}") String modelDir) {
    Tokenizer llama =
        modelDir.isBlank()
            ? TokenizerLoader.embedded()
            : TokenizerLoader.fromDirectory(Path.of(modelDir));
    return ModelCatalog.standard(llama, TokenizerLoader.embedded());
  }

  @Bean
  ContextFormatter contextFormatter(ModelCatalog catalog) {
    return new ContextFormatter(catalog);
  }

  /** Raw JSON in, so validation can name the exact path of every problem. */
  @Bean
  Function<String, FormattedContext> formatContext(ContextFormatter formatter) {
    return formatter::format;
  }

  /** Liveness plus each provider's state; 200 while the process can serve. */
  @Bean
  Supplier<Health> health(ModelCatalog catalog, ProviderRouter router) {
    List<Health.Model> models =
        catalog.profiles().stream()
            .map(
                p ->
                    new Health.Model(
                        p.name(), p.contextWindow(), p.template().name(), p.tokenizer().source()))
            .toList();
    return () -> {
      List<Health.Provider> providers =
          router.providers().stream()
              .map(
                  p ->
                      new Health.Provider(
                          p.name(),
                          p.config().kind(),
                          p.config().region(),
                          p.state().name().toLowerCase(java.util.Locale.ROOT),
                          p.breaker().getState().name().toLowerCase(java.util.Locale.ROOT),
                          p.reachable(),
                          p.inFlight(),
                          router.weights().weightOf(p.name(), p.config().weight()),
                          p.config().contextWindow()))
              .toList();
      boolean any =
          router.providers().stream()
              .anyMatch(
                  p ->
                      p.state() == RoutedProvider.State.UP
                          || p.state() == RoutedProvider.State.HALF_OPEN);
      return new Health(
          any ? "ok" : "degraded",
          ChatRequest.PROTOCOL_VERSION,
          catalog.defaultProfile().name(),
          models,
          providers);
    };
  }

  /** {@code GET /v1/models} in OpenAI's list shape. */
  @Bean
  Supplier<String> models(ModelCatalog catalog) {
    StringBuilder sb = new StringBuilder("{\"object\":\"list\",\"data\":[");
    String sep = "";
    for (var p : catalog.profiles()) {
      sb.append(sep)
          .append("{\"id\":\"")
          .append(p.name())
          .append("\",\"object\":\"model\",\"created\":0,\"owned_by\":\"mcp-ai-service\",")
          .append("\"context_window\":")
          .append(p.contextWindow())
          .append('}');
      sep = ",";
    }
    String json = sb.append("]}").toString();
    return () -> json;
  }

  /**
   * The seed's protocol as a function: raw JSON in, the answer's JSON out. The cloud adapters
   * invoke this bean by name; the web runner calls the gateway with the exchange's clock.
   */
  @Bean
  Function<String, Mono<String>> generate(Gateway gateway) {
    return body -> gateway.generate(body, Timing.now(RequestIds.newId())).map(Gateway.Answer::json);
  }

  /** OpenAI chat completions (not streamed) as a function, for the cloud adapters. */
  @Bean
  Function<String, Mono<String>> chatCompletions(Gateway gateway) {
    return body ->
        gateway
            .chat(OpenAiChat.parse(body), Timing.now(RequestIds.newId()))
            .map(Gateway.Answer::json);
  }

  /** The protocol's JSON rules (snake_case, strict reading) are the whole app's JSON rules. */
  @Bean
  @Primary
  ObjectMapper objectMapper() {
    return ProtocolJson.mapper();
  }

  /** What {@code GET /health} answers while the process can serve. */
  record Health(
      String status,
      String protocolVersion,
      String defaultModel,
      List<Model> models,
      List<Provider> providers) {
    record Model(String name, int contextWindow, String template, String tokenizer) {}

    record Provider(
        String name,
        String kind,
        String region,
        String state,
        String breaker,
        boolean reachable,
        int inFlight,
        double weight,
        int contextWindow) {}
  }
}
