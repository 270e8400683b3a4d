package io.mcpai.app.contract;

import io.mcpai.app.McpApplication;
import io.mcpai.app.serverless.HttpCall;
import io.mcpai.app.serverless.HttpReply;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The {@code httpGateway} function in a context without a web server (as every cloud adapter runs
 * it) against the web runner: the adapters' shared core, proven before any cloud wraps it.
 */
class ServerlessHttpContractTest extends HttpContractSuite {
  static ConfigurableApplicationContext context;
  static Function<HttpCall, HttpReply> gateway;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void start() {
    ContractSettings.apply();
    context = new SpringApplicationBuilder(McpApplication.class).web(WebApplicationType.NONE).run();
    gateway = context.getBean("httpGateway", Function.class);
  }

  @AfterAll
  static void stop() {
    context.close();
  }

  @Override
  protected ContractReply call(ContractCall c) {
    HttpReply r = gateway.apply(HttpCall.of(c.method(), c.path(), c.headers(), c.body()));
    return new ContractReply(r.status(), r.headers(), r.text());
  }
}
