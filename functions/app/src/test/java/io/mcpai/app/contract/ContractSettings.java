package io.mcpai.app.contract;

/**
 * The settings every runner in the suite gets, as system properties (the gateway reads {@code MCP_}
 * settings through Spring's environment, and the cloud adapters start their own contexts).
 */
public final class ContractSettings {
  private ContractSettings() {}

  public static synchronized void apply() {
    System.setProperty("MCP_MODEL_SERVICE_AWS", LmiStub.shared().url());
    System.setProperty("MCP_MODEL_SERVICE_CONTEXT_WINDOW", "4096");
    System.setProperty("MCP_REQUEST_LOG", "off");
    // Health checks would only add noise to a short suite.
    System.setProperty("MCP_HEALTH_INTERVAL_MS", "600000");
  }
}
