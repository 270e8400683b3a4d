package io.mcpai.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpai.core.template.SegmentEncoder.EncodedSegment;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The embedded backends' rules: compare-and-set, caps, TTL, bounded size; the cache key. */
class InMemoryStoresTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private static final SessionKey KEY = new SessionKey("t/k", "s1");

  private static Turn turn(int i) {
    return new Turn(
        "user " + i,
        "assistant " + i,
        "tok",
        List.of(EncodedSegment.of("seg " + i, false, new int[] {i, i + 1})),
        0);
  }

  @Test
  void appendIsACompareAndSetOnTheVersion() {
    var store = new InMemoryConversationStore(SessionLimits.defaults(), 1 << 20, now::get);
    assertThat(store.append(KEY, 0, "sys", turn(0)).join())
        .isEqualTo(new ConversationStore.Appended(true, 1));
    assertThat(store.append(KEY, 0, null, turn(1)).join())
        .isEqualTo(new ConversationStore.Appended(false, 1));
    assertThat(store.append(KEY, 1, null, turn(1)).join().applied()).isTrue();
    Session s = store.load(KEY).join();
    assertThat(s.system()).isEqualTo("sys");
    assertThat(s.turns()).extracting(Turn::user).containsExactly("user 0", "user 1");
    assertThat(s.segments("tok")).hasSize(2);
    assertThat(s.segments("other")).isEmpty();
  }

  @Test
  void capsDropTheOldestTurnsAndTtlExpiresIdleSessions() {
    var limits = new SessionLimits(Duration.ofSeconds(60), 3, 1 << 20);
    var store = new InMemoryConversationStore(limits, 1 << 20, now::get);
    for (int i = 0; i < 5; i++) {
      store.append(KEY, i, null, turn(i)).join();
    }
    Session s = store.load(KEY).join();
    assertThat(s.version()).isEqualTo(5);
    assertThat(s.turns()).extracting(Turn::user).containsExactly("user 2", "user 3", "user 4");

    now.addAndGet(59_000);
    assertThat(store.load(KEY).join().exists()).isTrue();
    now.addAndGet(1_000);
    assertThat(store.load(KEY).join().exists()).isFalse();
    assertThat(store.delete(KEY).join()).isFalse();
  }

  @Test
  void bytesCapKeepsAtLeastTheNewTurn() {
    var limits = new SessionLimits(Duration.ofSeconds(60), 100, turn(0).weight() + 10);
    var store = new InMemoryConversationStore(limits, 1 << 20, now::get);
    for (int i = 0; i < 4; i++) {
      store.append(KEY, i, null, turn(i)).join();
    }
    assertThat(store.load(KEY).join().turns()).extracting(Turn::user).containsExactly("user 3");
  }

  @Test
  void theStoreIsBoundedLeastRecentlyUsedFirst() {
    long one = turn(0).weight();
    var store = new InMemoryConversationStore(SessionLimits.defaults(), 3 * one, now::get);
    for (int i = 0; i < 3; i++) {
      store.append(new SessionKey("t/k", "s" + i), 0, null, turn(i)).join();
    }
    store.load(new SessionKey("t/k", "s0")).join(); // s0 now most recently used
    store.append(new SessionKey("t/k", "s3"), 0, null, turn(3)).join();
    assertThat(store.size()).isEqualTo(3);
    assertThat(store.load(new SessionKey("t/k", "s1")).join().exists()).isFalse();
    assertThat(store.load(new SessionKey("t/k", "s0")).join().exists()).isTrue();
  }

  @Test
  void storedSegmentsRoundTripTheirIdsExactlyAndAreKeyedByTextAndEncoding() {
    int[] ids = {0, 1, 127, 128, 16383, 16384, 31999, 2_000_000, Integer.MAX_VALUE, -1};
    EncodedSegment s = EncodedSegment.of("[INST] hi [/INST]", false, ids);
    assertThat(s.ids()).containsExactly(ids);
    assertThat(s.digest()).isEqualTo(EncodedSegment.digest("[INST] hi [/INST]", false));
    assertThat(s.digest())
        .isNotEqualTo(EncodedSegment.digest("[INST] hi [/INST]", true))
        .isNotEqualTo(EncodedSegment.digest("[INST] hi [/INST] ", false));
  }

  @Test
  void storeKeysCannotCollideAcrossScopes() {
    assertThat(new SessionKey("a/b", "c:d").storeKey())
        .isNotEqualTo(new SessionKey("a/b:c", "d").storeKey());
  }

  @Test
  void responseCacheKeyCoversEveryInputAndEntriesExpire() {
    int[] ids = {1, 2, 3};
    String k = ResponseCache.key("m", "tok", ids, 10, 0.0, 1.0, List.of(), null, null);
    assertThat(
            ResponseCache.key("m", "tok", new int[] {1, 2, 3}, 10, 0.0, 1.0, List.of(), null, null))
        .isEqualTo(k);
    assertThat(
            List.of(
                ResponseCache.key("m2", "tok", ids, 10, 0.0, 1.0, List.of(), null, null),
                ResponseCache.key("m", "tok2", ids, 10, 0.0, 1.0, List.of(), null, null),
                ResponseCache.key(
                    "m", "tok", new int[] {1, 2, 4}, 10, 0.0, 1.0, List.of(), null, null),
                ResponseCache.key("m", "tok", ids, 11, 0.0, 1.0, List.of(), null, null),
                ResponseCache.key("m", "tok", ids, 10, 0.1, 1.0, List.of(), null, null),
                ResponseCache.key("m", "tok", ids, 10, 0.0, 0.9, List.of(), null, null),
                ResponseCache.key("m", "tok", ids, 10, 0.0, 1.0, List.of("x"), null, null),
                ResponseCache.key("m", "tok", ids, 10, 0.0, 1.0, List.of(), 7L, null),
                ResponseCache.key("m", "tok", ids, 10, 0.0, 1.0, List.of(), null, "aws")))
        .doesNotContain(k)
        .doesNotHaveDuplicates();
    assertThat(ResponseCache.deterministic(0.0, null)).isTrue();
    assertThat(ResponseCache.deterministic(0.7, 42L)).isTrue();
    assertThat(ResponseCache.deterministic(0.7, null)).isFalse();

    var cache = new InMemoryResponseCache(1 << 20, 1000, now::get);
    CachedCompletion c = new CachedCompletion("hi", 1, "stop", "aws");
    cache.put(k, c).join();
    assertThat(cache.get(k).join()).isEqualTo(c);
    now.addAndGet(1000);
    assertThat(cache.get(k).join()).isNull();
  }
}
