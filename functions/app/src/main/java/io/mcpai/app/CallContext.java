package io.mcpai.app;

import io.mcpai.core.security.Caller;
import java.util.Locale;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;

/**
 * What the transport knows about a request beyond its body: who sent it (authentication puts the
 * {@link Caller} on the exchange), its cache directives, and the OpenAI API's session header.
 *
 * @param noCache {@code Cache-Control: no-cache}: do not answer from the cache (the fresh answer is
 *     still stored)
 * @param noStore {@code Cache-Control: no-store}: neither read nor write the cache
 * @param sessionId the {@code x-session-id} header, or null
 */
record CallContext(Caller caller, boolean noCache, boolean noStore, String sessionId) {
  static final String SESSION_HEADER = "x-session-id";

  /** Function-catalog invocations (cloud adapters): no exchange, no directives. */
  static final CallContext NONE = new CallContext(Caller.ANONYMOUS, false, false, null);

  static CallContext of(ServerWebExchange exchange) {
    Object c = exchange.getAttribute(Caller.ATTRIBUTE);
    HttpHeaders h = exchange.getRequest().getHeaders();
    String cc = String.join(",", h.getOrEmpty(HttpHeaders.CACHE_CONTROL)).toLowerCase(Locale.ROOT);
    return new CallContext(
        c instanceof Caller caller ? caller : Caller.ANONYMOUS,
        cc.contains("no-cache") || cc.contains("no-store"),
        cc.contains("no-store"),
        h.getFirst(SESSION_HEADER));
  }

  String scope() {
    return caller.scope();
  }
}
