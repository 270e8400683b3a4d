package io.mcpai.core.tokenizer;

import io.mcpai.core.tokenizer.SentencePieceModel.Piece;
import io.mcpai.core.tokenizer.SentencePieceModel.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SentencePiece BPE in plain Java, reproducing Google's implementation (normalizer.cc,
 * bpe_model.cc, sentencepiece_processor.cc) id for id, so that token counts and prompts are exactly
 * what a LLaMA model was trained on.
 *
 * <p>Encoding: normalize (dummy-prefix space, spaces escaped to U+2581), split into characters
 * (user-defined symbols first, as whole frozen symbols), then repeatedly merge the adjacent pair
 * whose concatenation is the piece with the highest score. Symbols are a linked list over one
 * {@code char[]} and candidate pairs sit in a binary heap; stale heap entries are recognized by
 * their recorded length, as in bpe_model.cc. Symbols that end up outside the vocabulary become
 * their UTF-8 bytes ({@code <0xXX>} pieces) when the model has byte fallback, else {@code <unk>}.
 *
 * <p>Immutable after construction and safe to share between threads: all per-call state lives in
 * local arrays.
 */
public final class SentencePieceTokenizer implements Tokenizer {
  private static final char SPACE_SYMBOL = '\u2581';
  private static final char REPLACEMENT = '\uFFFD';

  private final String source;
  private final String name;
  private final String[] pieces;
  private final char[][] pieceChars;
  private final float[] scores;
  private final Type[] types;
  private final PieceTable mergeable;
  private final PieceTable reserved;
  private final PieceTable userDefined;
  private final int maxUserDefinedLength;
  private final int unkId;
  private final int bosId;
  private final int eosId;
  private final int[] byteIds;
  private final boolean byteFallback;
  private final boolean hasUnused;
  private final boolean addDummyPrefix;
  private final boolean removeExtraWhitespaces;
  private final boolean escapeWhitespaces;
  private final String unkSurface;
  private final Map<String, Integer> specials;

  public SentencePieceTokenizer(SentencePieceModel model, String source) {
    this.source = source;
    this.name = model.name();
    int n = model.pieces().size();
    this.pieces = new String[n];
    this.pieceChars = new char[n][];
    this.scores = new float[n];
    this.types = new Type[n];
    this.byteIds = new int[256];
    Arrays.fill(byteIds, -1);
    int unk = -1;
    int maxUser = 0;
    boolean unused = false;
    Map<String, Integer> special = new LinkedHashMap<>();
    for (int id = 0; id < n; id++) {
      Piece p = model.pieces().get(id);
      pieces[id] = p.text();
      pieceChars[id] = p.text().toCharArray();
      scores[id] = p.score();
      types[id] = p.type();
      switch (p.type()) {
        case UNKNOWN -> {
          unk = id;
          special.putIfAbsent(p.text(), id);
        }
        case CONTROL -> special.putIfAbsent(p.text(), id);
        case USER_DEFINED -> maxUser = Math.max(maxUser, p.text().length());
        case UNUSED -> unused = true;
        case BYTE -> {
          int b = byteValue(p.text());
          if (b >= 0 && byteIds[b] < 0) {
            byteIds[b] = id;
          }
        }
        default -> {}
      }
    }
    this.unkId = unk;
    this.maxUserDefinedLength = maxUser;
    this.hasUnused = unused;
    // ModelInterface keeps NORMAL, USER_DEFINED and UNUSED pieces in pieces_ (what merges may
    // form) and everything else in reserved_id_map_ (looked up first when mapping a symbol to an
    // id).
    this.mergeable =
        new PieceTable(
            pieceChars,
            id ->
                types[id] == Type.NORMAL
                    || types[id] == Type.USER_DEFINED
                    || types[id] == Type.UNUSED);
    this.reserved =
        new PieceTable(
            pieceChars,
            id ->
                types[id] != Type.NORMAL
                    && types[id] != Type.USER_DEFINED
                    && types[id] != Type.UNUSED);
    this.userDefined =
        maxUser > 0 ? new PieceTable(pieceChars, id -> types[id] == Type.USER_DEFINED) : null;
    this.bosId = validId(model.bosId(), n);
    this.eosId = validId(model.eosId(), n);
    this.byteFallback = model.byteFallback();
    var norm = model.normalizer();
    this.addDummyPrefix = norm.addDummyPrefix();
    this.removeExtraWhitespaces = norm.removeExtraWhitespaces();
    this.escapeWhitespaces = norm.escapeWhitespaces();
    this.unkSurface = model.unkSurface();
    this.specials = Map.copyOf(special);
  }

  private static int validId(int id, int n) {
    return id >= 0 && id < n ? id : -1;
  }

  /** The byte a {@code <0xXX>} piece stands for, or -1. */
  static int byteValue(String piece) {
    if (piece.length() != 6 || !piece.startsWith("<0x") || piece.charAt(5) != '>') {
      return -1;
    }
    int hi = Character.digit(piece.charAt(3), 16);
    int lo = Character.digit(piece.charAt(4), 16);
    return hi < 0 || lo < 0 ? -1 : hi << 4 | lo;
  }

  /** The model's name ({@code trainer_spec.model_prefix}), e.g. "mcp-tiny-bpe-1k". */
  public String name() {
    return name;
  }

  @Override
  public int[] encode(String text) {
    return encode(text, addDummyPrefix);
  }

  @Override
  public int[] encodeWithoutDummyPrefix(String text) {
    return encode(text, false);
  }

  private int[] encode(String text, boolean dummyPrefix) {
    char[] norm = normalize(text, dummyPrefix);
    if (norm.length == 0) {
      return new int[0];
    }
    int len = norm.length;

    // Split into symbols: user-defined symbols (longest match, frozen) or one code point each.
    int[] start = new int[len];
    int[] end = new int[len];
    boolean[] frozen = userDefined != null ? new boolean[len] : null;
    int count = 0;
    for (int i = 0; i < len; ) {
      int step = 0;
      if (userDefined != null) {
        for (int l = Math.min(maxUserDefinedLength, len - i); l > 0; l--) {
          if (userDefined.find(norm, i, i + l) >= 0) {
            step = l;
            frozen[count] = true;
            break;
          }
        }
      }
      if (step == 0) {
        step = Character.isHighSurrogate(norm[i]) && i + 1 < len ? 2 : 1;
      }
      start[count] = i;
      end[count] = i + step;
      count++;
      i += step;
    }
    int[] prev = new int[count];
    int[] next = new int[count];
    for (int i = 0; i < count; i++) {
      prev[i] = i - 1;
      next[i] = i + 1 < count ? i + 1 : -1;
    }

    var agenda = new Agenda(3 * count + 1);
    Map<String, String[]> revMerge = hasUnused ? new HashMap<>() : null;
    for (int i = 1; i < count; i++) {
      maybeAddPair(norm, start, end, frozen, i - 1, i, agenda, revMerge);
    }
    while (!agenda.isEmpty()) {
      int top = agenda.pop();
      int left = agenda.left[top];
      int right = agenda.right[top];
      // A pair is stale once either side has been merged into something else.
      if (end[left] == start[left]
          || end[right] == start[right]
          || (end[left] - start[left]) + (end[right] - start[right]) != agenda.size(top)) {
        continue;
      }
      end[left] = end[right];
      end[right] = start[right]; // now empty
      next[left] = next[right];
      if (next[right] >= 0) {
        prev[next[right]] = left;
      }
      maybeAddPair(norm, start, end, frozen, prev[left], left, agenda, revMerge);
      maybeAddPair(norm, start, end, frozen, left, next[left], agenda, revMerge);
    }

    var out = new IntBuilder(count + 8);
    boolean prevUnk = false;
    for (int s = 0; s >= 0; s = next[s]) {
      prevUnk = emit(norm, start[s], end[s], out, revMerge, prevUnk);
    }
    return out.toArray();
  }

  private void maybeAddPair(
      char[] norm,
      int[] start,
      int[] end,
      boolean[] frozen,
      int left,
      int right,
      Agenda agenda,
      Map<String, String[]> revMerge) {
    if (left < 0 || right < 0 || (frozen != null && (frozen[left] || frozen[right]))) {
      return;
    }
    int id = mergeable.find(norm, start[left], end[right]);
    if (id < 0) {
      return;
    }
    agenda.push(left, right, scores[id], end[right] - start[left]);
    if (revMerge != null && types[id] == Type.UNUSED) {
      // bpe_model.cc remembers how an unused piece was formed so it can split it back.
      revMerge.put(
          new String(norm, start[left], end[right] - start[left]),
          new String[] {
            new String(norm, start[left], end[left] - start[left]),
            new String(norm, start[right], end[right] - start[right])
          });
    }
  }

  /** Appends the ids of one final symbol; returns whether it was an unknown piece. */
  private boolean emit(
      char[] buf,
      int from,
      int to,
      IntBuilder out,
      Map<String, String[]> revMerge,
      boolean prevUnk) {
    int id = reserved.find(buf, from, to);
    if (id < 0) {
      id = mergeable.find(buf, from, to);
    }
    if (id < 0) {
      id = unkId;
    }
    if (revMerge != null && types[id] == Type.UNUSED) {
      String[] parts = revMerge.get(new String(buf, from, to - from));
      if (parts != null) {
        for (String part : parts) {
          char[] c = part.toCharArray();
          prevUnk = emit(c, 0, c.length, out, revMerge, prevUnk);
        }
        return prevUnk;
      }
    }
    boolean unknown = types[id] == Type.UNKNOWN;
    if (unknown && byteFallback) {
      appendUtf8Bytes(buf, from, to, out);
    } else if (!(unknown && prevUnk)) {
      // Without byte fallback, sentencepiece_processor.cc merges a run of unknowns into one <unk>.
      out.add(id);
    }
    return unknown;
  }

  private void appendUtf8Bytes(char[] buf, int from, int to, IntBuilder out) {
    for (int i = from; i < to; i++) {
      int cp = buf[i];
      if (Character.isHighSurrogate(buf[i]) && i + 1 < to && Character.isLowSurrogate(buf[i + 1])) {
        cp = Character.toCodePoint(buf[i], buf[++i]);
      }
      if (cp < 0x80) {
        out.add(byteIds[cp]);
      } else if (cp < 0x800) {
        out.add(byteIds[0xC0 | cp >>> 6]);
        out.add(byteIds[0x80 | cp & 0x3F]);
      } else if (cp < 0x10000) {
        out.add(byteIds[0xE0 | cp >>> 12]);
        out.add(byteIds[0x80 | cp >>> 6 & 0x3F]);
        out.add(byteIds[0x80 | cp & 0x3F]);
      } else {
        out.add(byteIds[0xF0 | cp >>> 18]);
        out.add(byteIds[0x80 | cp >>> 12 & 0x3F]);
        out.add(byteIds[0x80 | cp >>> 6 & 0x3F]);
        out.add(byteIds[0x80 | cp & 0x3F]);
      }
    }
  }

  /**
   * normalizer.cc without a character map: optional removal of leading, trailing and repeated
   * spaces, the dummy-prefix space (so "world" and "hello world" both yield "▁world"), and spaces
   * escaped to U+2581. An unpaired surrogate is not Unicode; it becomes U+FFFD as malformed UTF-8
   * does in SentencePiece.
   */
  private char[] normalize(String text, boolean dummyPrefix) {
    int n = text.length();
    int i = 0;
    if (removeExtraWhitespaces) {
      while (i < n && text.charAt(i) == ' ') {
        i++;
      }
    }
    if (i == n) {
      return new char[0];
    }
    char[] out = new char[n - i + 1];
    int o = 0;
    char space = escapeWhitespaces ? SPACE_SYMBOL : ' ';
    if (dummyPrefix) {
      out[o++] = space;
    }
    boolean prevSpace = removeExtraWhitespaces;
    for (; i < n; i++) {
      char c = text.charAt(i);
      if (c == ' ') {
        if (!prevSpace) {
          out[o++] = space;
        }
        prevSpace = removeExtraWhitespaces;
        continue;
      }
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < n
            && Character.isLowSurrogate(text.charAt(i + 1))) {
          out[o++] = c;
          out[o++] = text.charAt(++i);
        } else {
          out[o++] = REPLACEMENT;
        }
      } else {
        out[o++] = c;
      }
      prevSpace = false;
    }
    if (removeExtraWhitespaces) {
      while (o > 0 && out[o - 1] == space) {
        o--;
      }
    }
    return o == out.length ? out : Arrays.copyOf(out, o);
  }

  /**
   * As SentencePieceProcessor::Decode: control pieces vanish, runs of byte pieces are reassembled
   * as UTF-8 (each byte that is not part of a valid sequence becomes U+FFFD), U+2581 becomes a
   * space, and the dummy-prefix space of the first visible piece is dropped.
   */
  @Override
  public String decode(int[] ids) {
    var text = new StringBuilder(ids.length * 4);
    byte[] bytes = new byte[16];
    int byteCount = 0;
    boolean atStart = true;
    for (int id : ids) {
      checkId(id);
      Type type = types[id];
      if (type == Type.BYTE) {
        if (byteCount == bytes.length) {
          bytes = Arrays.copyOf(bytes, byteCount * 2);
        }
        bytes[byteCount++] = (byte) byteValue(pieces[id]);
        continue;
      }
      if (byteCount > 0) {
        appendUtf8(bytes, byteCount, text);
        byteCount = 0;
        atStart = false;
      }
      if (type == Type.CONTROL) {
        continue;
      }
      if (type == Type.UNKNOWN) {
        text.append(unkSurface);
        atStart = false;
        continue;
      }
      char[] p = pieceChars[id];
      int from = atStart && p.length > 0 && p[0] == SPACE_SYMBOL ? 1 : 0;
      for (int i = from; i < p.length; i++) {
        text.append(p[i] == SPACE_SYMBOL ? ' ' : p[i]);
      }
      atStart = false;
    }
    if (byteCount > 0) {
      appendUtf8(bytes, byteCount, text);
    }
    return text.toString();
  }

  /**
   * UTF-8 as SentencePiece's DecodeUTF8 reads it: one U+FFFD per byte that starts no valid char.
   */
  static void appendUtf8(byte[] b, int n, StringBuilder out) {
    int i = 0;
    while (i < n) {
      int b0 = b[i] & 0xFF;
      int cp = -1;
      int len = 1;
      if (b0 < 0x80) {
        cp = b0;
      } else if ((b0 & 0xE0) == 0xC0 && i + 1 < n && trail(b[i + 1])) {
        cp = (b0 & 0x1F) << 6 | (b[i + 1] & 0x3F);
        len = 2;
        if (cp < 0x80) {
          cp = -1;
        }
      } else if ((b0 & 0xF0) == 0xE0 && i + 2 < n && trail(b[i + 1]) && trail(b[i + 2])) {
        cp = (b0 & 0x0F) << 12 | (b[i + 1] & 0x3F) << 6 | (b[i + 2] & 0x3F);
        len = 3;
        if (cp < 0x800 || (cp >= 0xD800 && cp < 0xE000)) {
          cp = -1;
        }
      } else if ((b0 & 0xF8) == 0xF0
          && i + 3 < n
          && trail(b[i + 1])
          && trail(b[i + 2])
          && trail(b[i + 3])) {
        cp =
            (b0 & 0x07) << 18
                | (b[i + 1] & 0x3F) << 12
                | (b[i + 2] & 0x3F) << 6
                | (b[i + 3] & 0x3F);
        len = 4;
        if (cp < 0x10000 || cp > 0x10FFFF) {
          cp = -1;
        }
      }
      if (cp < 0) {
        out.append(REPLACEMENT);
        i++;
      } else {
        out.appendCodePoint(cp);
        i += len;
      }
    }
  }

  private static boolean trail(byte b) {
    return (b & 0xC0) == 0x80;
  }

  /**
   * The piece as it appears in a stream: U+2581 as a space, control pieces empty, {@code <unk>} as
   * its surface, and a byte piece as the ISO-8859-1 char of its byte (use {@link #pieceBytes} to
   * reassemble UTF-8 across pieces).
   */
  @Override
  public String pieceText(int id) {
    checkId(id);
    return switch (types[id]) {
      case CONTROL -> "";
      case UNKNOWN -> unkSurface;
      case BYTE -> String.valueOf((char) byteValue(pieces[id]));
      default -> pieces[id].replace(SPACE_SYMBOL, ' ');
    };
  }

  @Override
  public byte[] pieceBytes(int id) {
    checkId(id);
    if (types[id] == Type.BYTE) {
      return new byte[] {(byte) byteValue(pieces[id])};
    }
    return pieceText(id).getBytes(StandardCharsets.UTF_8);
  }

  /** The piece's raw vocabulary text (e.g. "▁Hello", "<0x0A>", "<s>"). */
  public String piece(int id) {
    checkId(id);
    return pieces[id];
  }

  /** Id of the piece whose raw text is {@code piece}, or -1. */
  public int pieceId(String piece) {
    int id = reserved.find(piece);
    return id >= 0 ? id : mergeable.find(piece);
  }

  private void checkId(int id) {
    if (id < 0 || id >= pieces.length) {
      throw new IllegalArgumentException(
          "token id " + id + " is outside the vocabulary [0, " + pieces.length + ") of " + source);
    }
  }

  @Override
  public int vocabSize() {
    return pieces.length;
  }

  @Override
  public int bosId() {
    return bosId;
  }

  @Override
  public int eosId() {
    return eosId;
  }

  public int unkId() {
    return unkId;
  }

  @Override
  public int specialTokenId(String token) {
    return specials.getOrDefault(token, -1);
  }

  @Override
  public List<String> specialTokens() {
    List<String> out = new ArrayList<>();
    for (int id = 0; id < pieces.length; id++) {
      if (types[id] == Type.CONTROL || types[id] == Type.UNKNOWN) {
        out.add(pieces[id]);
      }
    }
    return out;
  }

  @Override
  public String source() {
    return source;
  }

  @Override
  public String toString() {
    return "SentencePieceTokenizer[" + name + ", " + pieces.length + " pieces, " + source + "]";
  }

  /**
   * Candidate merges as a binary max-heap over parallel arrays. Order: higher score first, then the
   * leftmost pair, which is bpe_model.cc's comparator: among equal scores the leftmost merge wins,
   * so a run like "aaa" groups from the left ("aa" + "a") exactly as the model was trained.
   */
  private static final class Agenda extends IndexHeap {
    final int[] left;
    final int[] right;
    final float[] score;
    final int[] length;
    private int pairs;

    Agenda(int capacity) {
      super(capacity);
      left = new int[capacity];
      right = new int[capacity];
      score = new float[capacity];
      length = new int[capacity];
    }

    int size(int pair) {
      return length[pair];
    }

    void push(int l, int r, float s, int len) {
      int p = pairs++;
      left[p] = l;
      right[p] = r;
      score[p] = s;
      length[p] = len;
      insert(p);
    }

    int pop() {
      return removeFirst();
    }

    @Override
    boolean before(int a, int b) {
      return score[a] > score[b] || (score[a] == score[b] && left[a] < left[b]);
    }
  }

  /** A growable int array, to avoid boxing ids. */
  static final class IntBuilder {
    private int[] a;
    private int n;

    IntBuilder(int capacity) {
      a = new int[Math.max(4, capacity)];
    }

    void add(int v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    int[] toArray() {
      return Arrays.copyOf(a, n);
    }
  }
}
