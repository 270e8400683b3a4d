package io.mcpai.app;

import io.mcpai.core.context.FormattedContext;

/**
 * What the gateway asks of the caller's key once a request is formatted and its cost is known: may
 * this key use this model and provider, and does its token budget cover prompt plus {@code
 * max_tokens} ({@link #admit}); then, when the request ends, what it really used ({@link #settle}).
 * The admission filter puts one on the exchange (and its {@link Timing}); without one, everything
 * passes. The MCP server hands it to its generate and chat tools.
 */
public interface RequestGuard {
  /** Exchange attribute holding the request's guard (also for paths without a {@link Timing}). */
  String ATTRIBUTE = RequestGuard.class.getName();

  RequestGuard NONE =
      new RequestGuard() {
        @Override
        public void admit(FormattedContext fc) {}

        @Override
        public void settle(int usedTokens) {}
      };

  /**
   * @throws io.mcpai.core.security.Rejection 403 or 429
   */
  void admit(FormattedContext fc);

  /** Prompt plus completion tokens actually used; 0 when the call failed. Once per request. */
  void settle(int usedTokens);

  /** Whether the caller may be routed to this provider (an API key's provider list). */
  default boolean allowsProvider(String provider) {
    return true;
  }
}
