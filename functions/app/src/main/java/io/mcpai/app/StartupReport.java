package io.mcpai.app;

import io.mcpai.core.context.ModelCatalog;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** One line with the effective configuration, so a user sees what the process really runs. */
@Component
class StartupReport {
  private static final Logger log = LoggerFactory.getLogger(StartupReport.class);

  private final ModelCatalog catalog;
  private final String modelDir;
  private final String maxBody;

  StartupReport(
      ModelCatalog catalog,
      @Value("${mcp.model.dir:}") String modelDir,
      @Value("${spring.codec.max-in-memory-size}") String maxBody) {
    this.catalog = catalog;
    this.modelDir = modelDir;
    this.maxBody = maxBody;
  }

  @EventListener
  void ready(ApplicationReadyEvent event) {
    int port =
        event.getApplicationContext() instanceof WebServerApplicationContext web
            ? web.getWebServer().getPort()
            : -1;
    String models =
        catalog.profiles().stream()
            .map(
                p ->
                    p.name()
                        + "(window="
                        + p.contextWindow()
                        + ", template="
                        + p.template().name()
                        + ", tokenizer="
                        + p.tokenizer().source()
                        + ")")
            .collect(Collectors.joining(", "));
    log.info(
        "mcp-gateway ready: port={} MCP_MODEL_DIR={} default_model={} models=[{}]"
            + " MCP_MAX_BODY_BYTES={} routes=[POST /v1/format, GET /health]",
        port,
        modelDir.isBlank() ? "(unset: embedded tokenizer)" : modelDir,
        catalog.defaultProfile().name(),
        models,
        maxBody);
  }
}
