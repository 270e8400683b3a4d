package io.mcpai.app.contract;

import java.util.List;
import java.util.Map;

/** A runner's answer: status, headers by lower-case name, body text. */
public record ContractReply(int status, Map<String, List<String>> headers, String body) {
  public String header(String name) {
    List<String> v = headers.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }
}
