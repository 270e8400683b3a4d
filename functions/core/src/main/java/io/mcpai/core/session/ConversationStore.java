package io.mcpai.core.session;

import java.util.concurrent.CompletableFuture;

/**
 * Where conversations live: in this process ({@link InMemoryConversationStore}, the embedded
 * default) or shared by every gateway instance ({@link RedisConversationStore}). Asynchronous, so
 * the gateway's event loop never waits on the store. Failures to reach the store complete the
 * futures with {@link StoreUnavailableException}.
 */
public interface ConversationStore extends AutoCloseable {
  /** The session, or {@link Session#empty} when there is none (never created, expired, deleted). */
  CompletableFuture<Session> load(SessionKey key);

  /**
   * Appends {@code turn} if the session is still at {@code expectedVersion} (compare-and-set), and
   * sets the system prompt when {@code system} is not null; applies the limits. Atomic: two appends
   * at one version never both apply.
   */
  CompletableFuture<Appended> append(
      SessionKey key, long expectedVersion, String system, Turn turn);

  /** Removes the session; true when there was one. */
  CompletableFuture<Boolean> delete(SessionKey key);

  /** {@code memory} or {@code redis}, for the start-up line and health. */
  String backend();

  @Override
  default void close() {}

  /**
   * @param applied false when the session had moved past the expected version
   * @param version the session's version now (after the append when applied)
   */
  record Appended(boolean applied, long version) {}
}
