package io.mcpai.app.serverless;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The whole response, buffered: status, headers (lower-case names, as HTTP/2 and the cloud triggers
 * carry them) and body. A streamed answer (server-sent events) arrives here complete.
 */
public record HttpReply(int status, Map<String, List<String>> headers, byte[] body) {

  /** The first value of a header, or null. */
  public String header(String name) {
    List<String> v = headers.get(name.toLowerCase(java.util.Locale.ROOT));
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  public String text() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** Text types go out as text; anything else needs base64 on triggers that carry strings. */
  public boolean isText() {
    String type = header("content-type");
    return type == null
        || type.startsWith("text/")
        || type.contains("json")
        || type.contains("xml")
        || type.contains("event-stream");
  }
}
