package io.mcpai.app.contract;

import java.util.Map;

/** One request of the suite; {@code body} null means none. */
public record ContractCall(
    String name, String method, String path, Map<String, String> headers, String body) {
  @Override
  public String toString() {
    return name;
  }
}
