package io.mcpai.core.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class SegmentEncoderTest {
  @Test
  void hitsDoNotCallTheTokenizerAndIdsAreTheTokenizers() {
    CountingTokenizer t = new CountingTokenizer(TestTokenizers.embedded());
    SegmentEncoder enc = new SegmentEncoder(t);
    int[] first = enc.encode("Hello world");
    int[] again = enc.encode(new String("Hello world".toCharArray()));
    assertThat(again)
        .isSameAs(first)
        .containsExactly(TestTokenizers.embedded().encode("Hello world"));
    assertThat(t.calls()).isEqualTo(1);
    // Continuation (no dummy prefix) is a different encoding of the same string.
    assertThat(enc.encodeContinuation("Hello world"))
        .containsExactly(TestTokenizers.embedded().encodeWithoutDummyPrefix("Hello world"));
    assertThat(t.calls()).isEqualTo(2);
    assertThat(enc.stats().hits()).isEqualTo(1);
    assertThat(enc.stats().misses()).isEqualTo(2);
  }

  @Test
  void memoryIsBoundedAndTheLeastRecentlyUsedGoFirst() {
    CountingTokenizer t = new CountingTokenizer(TestTokenizers.embedded());
    SegmentEncoder enc = new SegmentEncoder(t, 64 * 1024);
    for (int i = 0; i < 2_000; i++) {
      enc.encode("segment number " + i + " with some text to weigh it down a little");
    }
    assertThat(enc.stats().bytes()).isLessThanOrEqualTo(64 * 1024);
    assertThat(enc.stats().entries()).isLessThan(2_000).isPositive();
    t.reset();
    enc.encode("segment number 1999 with some text to weigh it down a little");
    assertThat(t.calls()).as("the most recent entry is still cached").isZero();
    enc.encode("segment number 0 with some text to weigh it down a little");
    assertThat(t.calls()).as("the oldest entry was evicted").isEqualTo(1);
  }

  @Test
  void concurrentUseGivesTheSameIdsAsTheTokenizer() throws Exception {
    SegmentEncoder enc = new SegmentEncoder(TestTokenizers.embedded(), 256 * 1024);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int th = 0; th < 4; th++) {
        results.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 3_000; i++) {
                    String s = "turn " + (i % 300) + " café 🚀";
                    if (!java.util.Arrays.equals(
                        enc.encode(s), TestTokenizers.embedded().encode(s))) {
                      return false;
                    }
                  }
                  return true;
                }));
      }
      for (Future<Boolean> f : results) {
        assertThat(f.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(enc.stats().hits()).isGreaterThan(enc.stats().misses());
  }
}
