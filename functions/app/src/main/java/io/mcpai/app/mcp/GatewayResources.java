package io.mcpai.app.mcp;

import io.mcpai.core.context.ModelCatalog;
import io.mcpai.core.context.ModelProfile;
import io.mcpai.core.protocol.ProtocolJson;
import io.mcpai.core.routing.ProviderRouter;
import io.mcpai.core.routing.RoutedProvider;
import io.mcpai.core.routing.RoutingWeights;
import io.mcpai.core.tokenizer.Tokenizer;
import io.modelcontextprotocol.server.McpStatelessServerFeatures.AsyncResourceSpecification;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceResult;
import io.modelcontextprotocol.spec.McpSchema.Resource;
import io.modelcontextprotocol.spec.McpSchema.TextResourceContents;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * Read-only views as MCP resources, all JSON: the providers' health (what {@code GET /health}
 * answers), the routing weights in force, and one model card per model the gateway formats for.
 * Each is read fresh: weights and health change while the gateway runs.
 */
final class GatewayResources {
  static final String HEALTH = "mcp-ai://providers/health";
  static final String WEIGHTS = "mcp-ai://routing/weights";
  static final String MODELS = "mcp-ai://models/";
  private static final String JSON = "application/json";

  private final Supplier<?> health;
  private final ProviderRouter router;
  private final ModelCatalog catalog;

  GatewayResources(Supplier<?> health, ProviderRouter router, ModelCatalog catalog) {
    this.health = health;
    this.router = router;
    this.catalog = catalog;
  }

  List<AsyncResourceSpecification> all() {
    List<AsyncResourceSpecification> specs = new ArrayList<>();
    specs.add(
        resource(
            HEALTH,
            "provider-health",
            "Provider health",
            "Liveness and each provider's state, breaker, reachability, load and weight.",
            health::get));
    specs.add(
        resource(
            WEIGHTS,
            "routing-weights",
            "Routing weights",
            "The routing weights in force: the learned weights file (its version, source and"
                + " time) and the effective weight of each provider.",
            this::weights));
    for (ModelProfile p : catalog.profiles()) {
      specs.add(
          resource(
              MODELS + p.name(),
              "model-" + p.name(),
              "Model card: " + p.name(),
              "Context window, chat template and tokenizer of " + p.name() + ".",
              () -> modelCard(p)));
    }
    return specs;
  }

  private AsyncResourceSpecification resource(
      String uri, String name, String title, String description, Supplier<Object> body) {
    Resource resource =
        Resource.builder()
            .uri(uri)
            .name(name)
            .title(title)
            .description(description)
            .mimeType(JSON)
            .build();
    return new AsyncResourceSpecification(
        resource,
        (ctx, request) ->
            Mono.fromCallable(
                () ->
                    new ReadResourceResult(
                        List.of(
                            new TextResourceContents(uri, JSON, ProtocolJson.write(body.get()))))));
  }

  private Object weights() {
    RoutingWeights w = router.weights();
    Map<String, Object> effective = new LinkedHashMap<>();
    for (RoutedProvider p : router.providers()) {
      effective.put(p.name(), w.weightOf(p.name(), p.config().weight()));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("routing_mode", GatewayTools.lower(router.settings().mode()));
    out.put("v", w.v());
    out.put("source", w.source());
    out.put("learned_at", w.learnedAt());
    out.put("learned", w.weights());
    out.put("effective", effective);
    return out;
  }

  private Object modelCard(ModelProfile p) {
    Tokenizer t = p.tokenizer();
    Map<String, Object> tokenizer = new LinkedHashMap<>();
    tokenizer.put("source", t.source());
    tokenizer.put("vocab_size", t.vocabSize());
    tokenizer.put("bos_id", t.bosId());
    tokenizer.put("eos_id", t.eosId());
    tokenizer.put("special_tokens", t.specialTokens());
    Map<String, Object> card = new LinkedHashMap<>();
    card.put("name", p.name());
    card.put("default", p.name().equals(catalog.defaultProfile().name()));
    card.put("context_window", p.contextWindow());
    card.put("template", p.template().name());
    card.put("reserved_markers", p.spec().reservedMarkers());
    card.put("tokenizer", tokenizer);
    return card;
  }
}
