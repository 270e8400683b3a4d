package io.mcpai.core.template;

import io.mcpai.core.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
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
    String digest = sc == null ? null : EncodedSegment.digest(text, cont);
    if (sc != null) {
      int[] known = sc.known(digest);
      if (known != null) {
        hits.increment();
        return known;
      }
    }
    int h = text.hashCode();
    Stripe s = table[(h ^ (h >>> 16)) & (STRIPES - 1)];
    int[] ids = s.get(text);
    if (ids != null) {
      hits.increment();
    } else {
      misses.increment();
      ids = cont ? tokenizer.encodeWithoutDummyPrefix(text) : tokenizer.encode(text);
      s.put(text, ids);
    }
    if (sc != null) {
      sc.fresh.putIfAbsent(digest, ids);
    }
    return ids;
  }

  /**
   * Opens a scope on this thread: until it is closed, every lookup is first answered from {@code
   * known} (before the cache and the tokenizer), and lookups not answered from it are recorded as
   * {@link Scope#fresh()}. A stored conversation offers its turns' ids this way, on any instance,
   * so a new turn never re-tokenizes old ones. Known ids stay in the scope, never enter the shared
   * cache: ids one caller's store holds are only ever used for that caller's own conversation.
   */
  public Scope open(Collection<EncodedSegment> known) {
    Scope s = new Scope(known);
    scope.set(s);
    return s;
  }

  /**
   * A segment's ids as a store keeps them: keyed by a SHA-256 digest of the exact string encoded
   * (and which encoding), so the text is not stored twice; the ids packed as base64 varints (about
   * 2.7 characters per id instead of 6 in a JSON array).
   */
  public record EncodedSegment(String digest, String packedIds) {
    private static final ThreadLocal<MessageDigest> SHA256 =
        ThreadLocal.withInitial(
            () -> {
              try {
                return MessageDigest.getInstance("SHA-256");
              } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
              }
            });

    public static EncodedSegment of(String text, boolean continuation, int[] ids) {
      return new EncodedSegment(digest(text, continuation), pack(ids));
    }

    public static String digest(String text, boolean continuation) {
      MessageDigest d = SHA256.get();
      d.update((byte) (continuation ? 1 : 0));
      d.update(text.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().withoutPadding().encodeToString(d.digest());
    }

    public int[] ids() {
      return unpack(packedIds);
    }

    static String pack(int[] ids) {
      byte[] buf = new byte[ids.length * 5];
      int n = 0;
      for (int id : ids) {
        int v = id;
        while ((v & ~0x7F) != 0) {
          buf[n++] = (byte) ((v & 0x7F) | 0x80);
          v >>>= 7;
        }
        buf[n++] = (byte) v;
      }
      return Base64.getEncoder().withoutPadding().encodeToString(Arrays.copyOf(buf, n));
    }

    static int[] unpack(String packed) {
      byte[] b = Base64.getDecoder().decode(packed);
      int count = 0;
      for (byte x : b) {
        if (x >= 0) {
          count++;
        }
      }
      int[] ids = new int[count];
      int at = 0;
      int v = 0;
      int shift = 0;
      for (byte x : b) {
        v |= (x & 0x7F) << shift;
        if (x >= 0) {
          ids[at++] = v;
          v = 0;
          shift = 0;
        } else {
          shift += 7;
        }
      }
      return ids;
    }
  }

  /** See {@link #open}. Not thread-safe: it belongs to the thread that opened it. */
  public final class Scope implements AutoCloseable {
    private final Map<String, String> known;
    private final Map<String, int[]> fresh = new LinkedHashMap<>();

    private Scope(Collection<EncodedSegment> offered) {
      known = new HashMap<>(Math.max(4, offered.size() * 2));
      for (EncodedSegment e : offered) {
        known.put(e.digest(), e.packedIds());
      }
    }

    private int[] known(String digest) {
      String packed = known.get(digest);
      return packed == null ? null : EncodedSegment.unpack(packed);
    }

    /** Segments looked up in this scope that were not offered to it: what is new to store. */
    public List<EncodedSegment> fresh() {
      List<EncodedSegment> out = new ArrayList<>(fresh.size());
      for (Map.Entry<String, int[]> e : fresh.entrySet()) {
        out.add(new EncodedSegment(e.getKey(), EncodedSegment.pack(e.getValue())));
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
