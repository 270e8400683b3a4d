package io.mcpai.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpai.core.context.ContextFormatter;
import io.mcpai.core.context.FormattedContext;
import io.mcpai.core.context.ModelCatalog;
import io.mcpai.core.protocol.ChatRequest;
import io.mcpai.core.protocol.ProtocolJson;
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

  @Bean
  Supplier<Health> health(ModelCatalog catalog) {
    List<Health.Model> models =
        catalog.profiles().stream()
            .map(
                p ->
                    new Health.Model(
                        p.name(), p.contextWindow(), p.template().name(), p.tokenizer().source()))
            .toList();
    Health health =
        new Health("ok", ChatRequest.PROTOCOL_VERSION, catalog.defaultProfile().name(), models);
    return () -> health;
  }

  /** The protocol's JSON rules (snake_case, strict reading) are the whole app's JSON rules. */
  @Bean
  @Primary
  ObjectMapper objectMapper() {
    return ProtocolJson.mapper();
  }

  /** What {@code GET /health} answers while the process can serve. */
  record Health(String status, String protocolVersion, String defaultModel, List<Model> models) {
    record Model(String name, int contextWindow, String template, String tokenizer) {}
  }
}
