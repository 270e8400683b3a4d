package io.mcpai.core.session;

import io.mcpai.core.template.SegmentEncoder.EncodedSegment;
import java.util.List;

/**
 * One answered exchange of a stored conversation, with the token ids its request had to compute
 * (segments as the model's tokenizer encoded them), so a later turn, on any gateway instance, never
 * tokenizes it again.
 *
 * @param tokenizer the tokenizer's {@code source()}: ids are only offered to the same tokenizer
 * @param segments the segments first encoded for this turn's request (new history pair, new input),
 *     keyed by digest, ids packed
 */
public record Turn(
    String user, String assistant, String tokenizer, List<EncodedSegment> segments, long atMillis) {
  public Turn {
    segments = segments == null ? List.of() : List.copyOf(segments);
  }

  /** Approximate footprint in memory (strings as UTF-16, ids as ints). */
  public long weight() {
    long w = 96 + 2L * (user.length() + assistant.length());
    for (EncodedSegment s : segments) {
      w += 64 + 2L * (s.digest().length() + s.packedIds().length());
    }
    return w;
  }

  /** Token ids stored with the turn. */
  public int storedTokenIds() {
    int n = 0;
    for (EncodedSegment s : segments) {
      n += s.ids().length;
    }
    return n;
  }
}
