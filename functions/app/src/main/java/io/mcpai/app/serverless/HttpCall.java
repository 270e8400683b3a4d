package io.mcpai.app.serverless;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One HTTP request as a cloud trigger delivers it: already read into memory, since no serverless
 * platform hands a function a socket.
 *
 * @param method GET, POST, ...
 * @param path the request path without query, e.g. {@code /v1/generate}
 * @param query the raw query string without '?', or null
 * @param headers header values by name (any case)
 * @param body the body bytes (empty when none)
 */
public record HttpCall(
    String method, String path, String query, Map<String, List<String>> headers, byte[] body) {

  public HttpCall {
    body = body == null ? new byte[0] : body;
    headers = headers == null ? Map.of() : headers;
  }

  /** A request with a UTF-8 text body and single-valued headers. */
  public static HttpCall of(String method, String path, Map<String, String> headers, String body) {
    Map<String, List<String>> multi = new java.util.LinkedHashMap<>();
    headers.forEach((k, v) -> multi.put(k, List.of(v)));
    return new HttpCall(
        method,
        path,
        null,
        multi,
        body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8));
  }
}
