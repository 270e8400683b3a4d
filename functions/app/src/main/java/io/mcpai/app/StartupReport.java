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
  private final io.mcpai.core.routing.ProviderRouter router;
  private final GatewaySettings settings;
  private final GatewayWiring.Fleet fleet;
  private final String modelDir;
  private final String maxBody;

  StartupReport(
      ModelCatalog catalog,
      io.mcpai.core.routing.ProviderRouter router,
      GatewaySettings settings,
      GatewayWiring.Fleet fleet,
      @Value("${mcp.model.dir:}") String modelDir,
      @Value("${spring.codec.max-in-memory-size}") String maxBody) {
    this.catalog = catalog;
    this.router = router;
    this.settings = settings;
    this.fleet = fleet;
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
            + " MCP_MAX_BODY_BYTES={} providers=[{}] ({}) routing={} weights={} request_log={}"
            + " breaker={} max_attempts={} health_interval={}"
            + " routes=[POST /v1/generate, POST /v1/chat/completions, POST /v1/format,"
            + " GET /v1/models, GET /health, GET /metrics]",
        port,
        modelDir.isBlank() ? "(unset: embedded tokenizer)" : modelDir,
        catalog.defaultProfile().name(),
        models,
        maxBody,
        router.providers().stream()
            .map(
                p ->
                    p.name()
                        + "("
                        + p.config().kind()
                        + " "
                        + (p.config().endpoint() == null
                            ? "cloud default"
                            : redact(p.config().endpoint()))
                        + (p.config().region() == null ? "" : " " + p.config().region())
                        + " window="
                        + p.config().contextWindow()
                        + " weight="
                        + p.config().weight()
                        + ")")
            .collect(Collectors.joining(", ")),
        fleet.isEmbedded() ? "embedded default: child inference endpoints" : "configured",
        settings.router().mode(),
        settings.routingWeightsFile() == null
            ? "(none: configured weights)"
            : settings.routingWeightsFile(),
        settings.requestLog() == null ? "off" : settings.requestLog(),
        settings.breaker(),
        settings.router().maxAttempts(),
        settings.router().healthInterval());
  }

  /** Endpoints may carry credentials in their user-info or query: never log those. */
  static String redact(java.net.URI u) {
    return u.getScheme()
        + "://"
        + u.getHost()
        + (u.getPort() > 0 ? ":" + u.getPort() : "")
        + u.getPath();
  }
}
