package io.mcpai.core.template;

import io.mcpai.core.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * A tokenizer plus a bounded, thread-safe LRU of the token ids of every segment string it has
 * encoded, so that re-formatting a conversation that grew by one turn only tokenizes the new turn.
 *
 * <p>The key is the exact string handed to the tokenizer (a pair's whole {@code [INST] ... [/INST]
 * ... } text, a ChatML message span): its content hash picks the bucket and an equality check on a
 * hit makes a collision impossible. That matters because one cache serves every tenant: a crafted
 * hash collision must never hand one user's token ids to another. Entries are weighed by memory
 * (string plus ids), not counted, so a few huge segments cannot pin gigabytes. The cache is split
 * into stripes, each an access-ordered {@link LinkedHashMap} behind its own lock; tokenizing
 * happens outside the lock.
 *
 * <p>One instance per tokenizer: ids from one vocabulary mean nothing in another.
 */
public final class SegmentEncoder {
  /** 64 MiB of strings and ids by default: ~ a few hundred thousand typical turns. */
  public static final long DEFAULT_MAX_BYTES = 64L << 20;

  private static final int STRIPES = 16;

  private final Tokenizer tokenizer;
  private final Stripe[] stripes = new Stripe[STRIPES];
  // Continuation encodings (no dummy prefix) of the same string are different ids: own key space.
  private final Stripe[] continuation = new Stripe[STRIPES];
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  // Formatting is synchronous on the caller's thread, so a scope can follow it without threading
  // a context through every template.
  private final ThreadLocal<Scope> scope = new ThreadLocal<>();

  public SegmentEncoder(Tokenizer tokenizer, long maxBytes) {
    this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must be >= 0");
    }
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new Stripe(maxBytes / STRIPES / 2);
      continuation[i] = new Stripe(maxBytes / STRIPES / 2);
    }
  }

  public SegmentEncoder(Tokenizer tokenizer) {
    this(tokenizer, DEFAULT_MAX_BYTES);
  }

  public Tokenizer tokenizer() {
    return tokenizer;
  }

  /**
   * Token ids of {@code text} as {@link Tokenizer#encode} gives them (no BOS/EOS). The array is
   * shared with the cache: callers must not modify it.
   */
  public int[] encode(String text) {
    return lookup(stripes, text, false);
  }

  /**
   * Token ids of {@code text} as {@link Tokenizer#encodeWithoutDummyPrefix} gives them: for text
   * that continues a sequence right after a control token. Shared array, do not modify.
   */
  public int[] encodeContinuation(String text) {
    return lookup(continuation, text, true);
  }

  private int[] lookup(Stripe[] table, String text, boolean cont) {
    Scope sc = scope.get();
    int h = text.hashCode();
    Stripe s = table[(h ^ (h >>> 16)) & (STRIPES - 1)];
    int[] ids = s.get(text);
    if (ids != null) {
      hits.increment();
    } else if (sc != null && (ids = sc.known(text, cont)) != null) {
      hits.increment();
    } else {
      misses.increment();
      ids = cont ? tokenizer.encodeWithoutDummyPrefix(text) : tokenizer.encode(text);
      s.put(text, ids);
    }
    if (sc != null) {
      sc.used.putIfAbsent(new Key(text, cont), ids);
    }
    return ids;
  }

  /**
   * Opens a scope on this thread: until it is closed, lookups that miss the cache are answered from
   * {@code known} before the tokenizer is called, and every lookup is recorded. A stored
   * conversation offers its turns' ids this way, on any instance, so a new turn never re-tokenizes
   * old ones. Known ids stay in the scope, never enter the shared cache: ids one caller's store
   * holds are only ever used for that caller's own conversation.
   */
  public Scope open(Collection<EncodedSegment> known) {
    Scope s = new Scope(known);
    scope.set(s);
    return s;
  }

  /** One lookup: the exact string encoded, which encoding, and its ids. */
  public record EncodedSegment(String text, boolean continuation, int[] ids) {}

  private record Key(String text, boolean continuation) {}

  /** See {@link #open}. Not thread-safe: it belongs to the thread that opened it. */
  public final class Scope implements AutoCloseable {
    private final Map<Key, int[]> known;
    private final Map<Key, int[]> used = new LinkedHashMap<>();

    private Scope(Collection<EncodedSegment> offered) {
      known = new HashMap<>(Math.max(4, offered.size() * 2));
      for (EncodedSegment e : offered) {
        known.put(new Key(e.text(), e.continuation()), e.ids());
      }
    }

    private int[] known(String text, boolean cont) {
      return known.get(new Key(text, cont));
    }

    /** Segments looked up in this scope that were not offered to it: what is new to store. */
    public List<EncodedSegment> fresh() {
      List<EncodedSegment> out = new ArrayList<>();
      for (Map.Entry<Key, int[]> e : used.entrySet()) {
        if (!known.containsKey(e.getKey())) {
          out.add(new EncodedSegment(e.getKey().text(), e.getKey().continuation(), e.getValue()));
        }
      }
      return out;
    }

    @Override
    public void close() {
      scope.remove();
    }
  }

  /** Cumulative lookups since creation (or {@link #clear()}): a miss is one tokenizer call. */
  public Stats stats() {
    long entries = 0;
    long bytes = 0;
    for (Stripe[] table : new Stripe[][] {stripes, continuation}) {
      for (Stripe s : table) {
        synchronized (s) {
          entries += s.map.size();
          bytes += s.bytes;
        }
      }
    }
    return new Stats(hits.sum(), misses.sum(), entries, bytes);
  }

  public void clear() {
    for (Stripe[] table : new Stripe[][] {stripes, continuation}) {
      for (Stripe s : table) {
        synchronized (s) {
          s.map.clear();
          s.bytes = 0;
        }
      }
    }
    hits.reset();
    misses.reset();
  }

  /**
   * @param hits lookups answered from the cache
   * @param misses lookups that called the tokenizer
   * @param entries segments held now
   * @param bytes their approximate footprint
   */
  public record Stats(long hits, long misses, long entries, long bytes) {}

  private static long weight(String text, int[] ids) {
    return 2L * text.length() + 4L * ids.length + 96;
  }

  private static final class Stripe {
    final long maxBytes;
    final LinkedHashMap<String, int[]> map = new LinkedHashMap<>(64, 0.75f, true);
    long bytes;

    Stripe(long maxBytes) {
      this.maxBytes = maxBytes;
    }

    synchronized int[] get(String key) {
      return map.get(key);
    }

    synchronized void put(String key, int[] ids) {
      long w = weight(key, ids);
      if (w > maxBytes) {
        return; // larger than the whole stripe: caching it would evict everything else
      }
      int[] old = map.put(key, ids);
      if (old != null) {
        bytes -= weight(key, old);
      }
      bytes += w;
      Iterator<Map.Entry<String, int[]>> it = map.entrySet().iterator();
      while (bytes > maxBytes && it.hasNext()) {
        Map.Entry<String, int[]> eldest = it.next();
        bytes -= weight(eldest.getKey(), eldest.getValue());
        it.remove();
      }
    }
  }
}
