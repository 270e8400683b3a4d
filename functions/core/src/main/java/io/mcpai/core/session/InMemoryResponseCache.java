package io.mcpai.core.session;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/** The response cache in this process: LRU bounded by size, entries expiring after the TTL. */
public final class InMemoryResponseCache implements ResponseCache {
  private final long maxBytes;
  private final long ttlMillis;
  private final LongSupplier clock;
  private final LinkedHashMap<String, Entry> map = new LinkedHashMap<>(64, 0.75f, true);
  private long bytes;

  private record Entry(CachedCompletion value, long expiresAt, long weight) {}

  public InMemoryResponseCache(long maxBytes, long ttlMillis, LongSupplier clock) {
    this.maxBytes = maxBytes;
    this.ttlMillis = ttlMillis;
    this.clock = clock;
  }

  public InMemoryResponseCache(long maxBytes, long ttlMillis) {
    this(maxBytes, ttlMillis, System::currentTimeMillis);
  }

  @Override
  public synchronized CompletableFuture<CachedCompletion> get(String key) {
    Entry e = map.get(key);
    if (e != null && e.expiresAt() <= clock.getAsLong()) {
      map.remove(key);
      bytes -= e.weight();
      e = null;
    }
    return CompletableFuture.completedFuture(e == null ? null : e.value());
  }

  @Override
  public synchronized CompletableFuture<Void> put(String key, CachedCompletion value) {
    long w = 160 + 2L * (key.length() + value.text().length());
    if (w <= maxBytes) {
      Entry old = map.put(key, new Entry(value, clock.getAsLong() + ttlMillis, w));
      if (old != null) {
        bytes -= old.weight();
      }
      bytes += w;
      Iterator<Map.Entry<String, Entry>> it = map.entrySet().iterator();
      while (bytes > maxBytes && it.hasNext()) {
        bytes -= it.next().getValue().weight();
        it.remove();
      }
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public String backend() {
    return "memory";
  }
}
