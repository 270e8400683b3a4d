package io.mcpai.core.session;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * Conversations in this process, for a single gateway (the embedded default): bounded by total
 * size, least recently used sessions evicted first, idle ones expiring after the TTL. One lock:
 * each operation is a map lookup and a list copy, far below a provider call.
 */
public final class InMemoryConversationStore implements ConversationStore {
  private final SessionLimits limits;
  private final long maxTotalBytes;
  private final LongSupplier clock;
  private final LinkedHashMap<SessionKey, Stored> sessions = new LinkedHashMap<>(64, 0.75f, true);
  private long totalBytes;
  private long lastSweep;

  private record Stored(Session session, long bytes) {}

  public InMemoryConversationStore(SessionLimits limits, long maxTotalBytes, LongSupplier clock) {
    this.limits = limits;
    this.maxTotalBytes = maxTotalBytes;
    this.clock = clock;
  }

  public InMemoryConversationStore(SessionLimits limits, long maxTotalBytes) {
    this(limits, maxTotalBytes, System::currentTimeMillis);
  }

  @Override
  public synchronized CompletableFuture<Session> load(SessionKey key) {
    Stored s = live(key);
    return CompletableFuture.completedFuture(s == null ? Session.empty(key) : s.session());
  }

  @Override
  public synchronized CompletableFuture<Appended> append(
      SessionKey key, long expectedVersion, String system, Turn turn) {
    Stored cur = live(key);
    long version = cur == null ? 0 : cur.session().version();
    if (version != expectedVersion) {
      return CompletableFuture.completedFuture(new Appended(false, version));
    }
    Deque<Turn> turns = new ArrayDeque<>();
    long bytes = 0;
    if (cur != null) {
      turns.addAll(cur.session().turns());
      bytes = cur.bytes();
    }
    turns.addLast(turn);
    bytes += turn.weight();
    while (turns.size() > 1 && (turns.size() > limits.maxTurns() || bytes > limits.maxBytes())) {
      bytes -= turns.removeFirst().weight();
    }
    String sys = system != null ? system : cur == null ? null : cur.session().system();
    Session next = new Session(key, sys, new ArrayList<>(turns), version + 1, clock.getAsLong());
    if (cur != null) {
      totalBytes -= cur.bytes();
    }
    sessions.put(key, new Stored(next, bytes));
    totalBytes += bytes;
    evict();
    return CompletableFuture.completedFuture(new Appended(true, version + 1));
  }

  @Override
  public synchronized CompletableFuture<Boolean> delete(SessionKey key) {
    Stored s = live(key);
    if (s != null) {
      sessions.remove(key);
      totalBytes -= s.bytes();
    }
    return CompletableFuture.completedFuture(s != null);
  }

  @Override
  public String backend() {
    return "memory";
  }

  /** Sessions held now. */
  public synchronized int size() {
    return sessions.size();
  }

  private Stored live(SessionKey key) {
    Stored s = sessions.get(key);
    if (s != null && expired(s)) {
      sessions.remove(key);
      totalBytes -= s.bytes();
      return null;
    }
    return s;
  }

  private boolean expired(Stored s) {
    return clock.getAsLong() - s.session().updatedAtMillis() >= limits.ttl().toMillis();
  }

  private void evict() {
    // Expired sessions first (swept at most once a second), then the least recently used.
    long now = clock.getAsLong();
    if (now - lastSweep >= 1000) {
      lastSweep = now;
      List<SessionKey> gone = new ArrayList<>();
      for (Map.Entry<SessionKey, Stored> e : sessions.entrySet()) {
        if (expired(e.getValue())) {
          gone.add(e.getKey());
        }
      }
      for (SessionKey k : gone) {
        totalBytes -= sessions.remove(k).bytes();
      }
    }
    Iterator<Map.Entry<SessionKey, Stored>> it = sessions.entrySet().iterator();
    while (totalBytes > maxTotalBytes && sessions.size() > 1 && it.hasNext()) {
      totalBytes -= it.next().getValue().bytes();
      it.remove();
    }
  }
}
