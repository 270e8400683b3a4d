package io.mcpai.core.session;

import java.util.Objects;

/**
 * Where a conversation lives: the caller's scope ({@code Caller.scope()}, so one key's sessions are
 * invisible to every other key) and the client's session id.
 */
public record SessionKey(String scope, String id) {
  public SessionKey {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(id, "id");
  }

  /**
   * An unambiguous store key: the scope is length-prefixed, so no scope/id pair can spell another
   * caller's key whatever characters either holds.
   */
  public String storeKey() {
    return scope.length() + ":" + scope + ":" + id;
  }
}
