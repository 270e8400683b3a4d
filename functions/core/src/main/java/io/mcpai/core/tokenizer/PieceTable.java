package io.mcpai.core.tokenizer;

import java.util.Arrays;

/**
 * An immutable open-addressing hash table from piece text to id, looked up by a range of a {@code
 * char[]}: the BPE loop asks "is this substring a piece?" for every candidate pair, and answering
 * without building a {@code String} each time is most of what makes encoding fast.
 */
final class PieceTable {
  private final char[][] texts;
  private final int[] slots;
  private final int mask;

  /**
   * @param texts every piece's text by id (shared, not copied)
   * @param include which ids to index; the first of equal texts wins, as SentencePiece's
   *     InsertIfNotPresent does
   */
  PieceTable(char[][] texts, java.util.function.IntPredicate include) {
    this.texts = texts;
    int capacity = Integer.highestOneBit(Math.max(4, texts.length * 2 - 1)) << 1;
    this.slots = new int[capacity];
    this.mask = capacity - 1;
    Arrays.fill(slots, -1);
    for (int id = 0; id < texts.length; id++) {
      if (!include.test(id)) {
        continue;
      }
      char[] t = texts[id];
      if (find(t, 0, t.length) >= 0) {
        continue;
      }
      int i = hash(t, 0, t.length) & mask;
      while (slots[i] >= 0) {
        i = (i + 1) & mask;
      }
      slots[i] = id;
    }
  }

  /** Id of the piece whose text is {@code buf[from, to)}, or -1. */
  int find(char[] buf, int from, int to) {
    int len = to - from;
    int i = hash(buf, from, to) & mask;
    while (true) {
      int id = slots[i];
      if (id < 0) {
        return -1;
      }
      char[] t = texts[id];
      if (t.length == len && Arrays.equals(t, 0, len, buf, from, to)) {
        return id;
      }
      i = (i + 1) & mask;
    }
  }

  int find(String s) {
    char[] c = s.toCharArray();
    return find(c, 0, c.length);
  }

  private static int hash(char[] buf, int from, int to) {
    int h = 0x811C9DC5;
    for (int i = from; i < to; i++) {
      h = (h ^ buf[i]) * 0x01000193;
    }
    return h ^ (h >>> 15);
  }
}
