package io.mcpai.app.mcp;

import java.util.Arrays;
import java.util.List;
import org.springframework.core.env.Environment;

/**
 * The MCP server's settings. Browsers send {@code Origin}; a page on any other site must not drive
 * a gateway it reaches through the user's machine (DNS rebinding), so only the listed origins pass
 * (a missing Origin, as from non-browser clients, always passes). {@code Host} is checked only when
 * an allow-list is given, since a cloud deployment is reached under names the gateway cannot know.
 *
 * @param allowedOrigins {@code MCP_MCP_ALLOWED_ORIGINS}: comma-separated origins, {@code :*} for
 *     any port; default the loopback names on any port
 * @param allowedHosts {@code MCP_MCP_ALLOWED_HOSTS}: comma-separated {@code host[:port]} (or {@code
 *     host:*}); default empty, any Host
 */
record McpSettings(List<String> allowedOrigins, List<String> allowedHosts) {
  static final String DEFAULT_ORIGINS = "http://localhost:*,http://127.0.0.1:*,http://[::1]:*";

  static McpSettings from(Environment env) {
    return new McpSettings(
        list(env.getProperty("MCP_MCP_ALLOWED_ORIGINS", DEFAULT_ORIGINS)),
        list(env.getProperty("MCP_MCP_ALLOWED_HOSTS", "")));
  }

  private static List<String> list(String csv) {
    return Arrays.stream(csv.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }
}
