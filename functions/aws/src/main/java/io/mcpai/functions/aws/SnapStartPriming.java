package io.mcpai.functions.aws;

import io.mcpai.app.serverless.HttpCall;
import io.mcpai.app.serverless.HttpReply;
import java.util.Map;
import java.util.function.Function;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * Lambda SnapStart (CRaC) priming: before the snapshot is taken, run the local requests ({@code
 * /health}, {@code /v1/models}, {@code /v1/format}) through the function so their classes are
 * loaded, the tokenizer's caches filled and the code compiled in the snapshot. {@code /v1/generate}
 * is not primed: it would call a provider at deploy time. Where the JVM has no CRaC (the managed
 * runtime without SnapStart, a laptop) org.crac registers nothing.
 */
@Component
class SnapStartPriming implements Resource {
  private static final Logger log = LoggerFactory.getLogger(SnapStartPriming.class);
  static final String FORMAT_BODY =
      "{\"system_prompt\":\"You are terse.\",\"user_input\":\"Hello world\","
          + "\"parameters\":{\"max_tokens\":16}}";

  private final Function<HttpCall, HttpReply> gateway;

  SnapStartPriming(@Qualifier("httpGateway") Function<HttpCall, HttpReply> gateway) {
    this.gateway = gateway;
    Core.getGlobalContext().register(this);
  }

  /** Runs the local requests; returns how many answered 200. */
  int prime() {
    Map<String, String> json = Map.of("content-type", "application/json");
    int ok = 0;
    for (int i = 0; i < 3; i++) {
      ok += gateway.apply(HttpCall.of("GET", "/health", Map.of(), null)).status() == 200 ? 1 : 0;
      ok += gateway.apply(HttpCall.of("GET", "/v1/models", Map.of(), null)).status() == 200 ? 1 : 0;
      ok +=
          gateway.apply(HttpCall.of("POST", "/v1/format", json, FORMAT_BODY)).status() == 200
              ? 1
              : 0;
    }
    return ok;
  }

  @Override
  public void beforeCheckpoint(Context<? extends Resource> context) {
    int ok = prime();
    log.info("SnapStart priming before checkpoint: {}/9 local requests answered 200", ok);
  }

  @Override
  public void afterRestore(Context<? extends Resource> context) {
    log.info("restored from SnapStart snapshot");
  }
}
