package io.mcpai.core.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpai.core.tokenizer.SentencePieceTokenizer.IntBuilder;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} for LLaMA-style BPE (model type BPE with byte fallback,
 * spaces as U+2581 through either the legacy {@code Prepend}+{@code Replace} normalizer or the
 * {@code Metaspace} pre-tokenizer), encoded as the {@code tokenizers} library does: merges are
 * ranked by their position in {@code merges}, the lowest rank first and ties leftmost.
 *
 * <p>Special added tokens (such as {@code <s>}) are known by id but, unlike in the Rust library,
 * never matched inside text: this is how SentencePiece behaves and it keeps user text from forging
 * control tokens. Immutable and thread-safe.
 */
public final class HuggingFaceBpeTokenizer implements Tokenizer {
  private static final char SPACE_SYMBOL = '\u2581';

  private final String source;
  private final String[] pieces;
  private final PieceTable vocab;
  private final MergeTable merges;
  private final int[] byteIds = new int[256];
  private final int unkId;
  private final boolean byteFallback;
  private final boolean fuseUnk;
  private final boolean ignoreMerges;
  private final boolean prependSpace;
  private final Map<String, Integer> specials;
  private final boolean[] special;
  private final int bosId;
  private final int eosId;

  private HuggingFaceBpeTokenizer(
      String source,
      String[] pieces,
      long[] mergePairs,
      int unkId,
      boolean byteFallback,
      boolean fuseUnk,
      boolean ignoreMerges,
      boolean prependSpace,
      Map<String, Integer> specials) {
    this.source = source;
    this.pieces = pieces;
    char[][] chars = new char[pieces.length][];
    for (int i = 0; i < pieces.length; i++) {
      chars[i] = pieces[i] == null ? new char[0] : pieces[i].toCharArray();
    }
    this.vocab = new PieceTable(chars, id -> pieces[id] != null);
    Arrays.fill(byteIds, -1);
    for (int b = 0; b < 256; b++) {
      byteIds[b] = vocab.find(String.format("<0x%02X>", b));
    }
    this.merges = new MergeTable(mergePairs, chars, vocab);
    this.unkId = unkId;
    this.byteFallback = byteFallback;
    this.fuseUnk = fuseUnk;
    this.ignoreMerges = ignoreMerges;
    this.prependSpace = prependSpace;
    this.specials = Map.copyOf(specials);
    this.special = new boolean[pieces.length];
    specials.values().forEach(id -> special[id] = true);
    this.bosId = specials.getOrDefault("<s>", -1);
    this.eosId = specials.getOrDefault("</s>", -1);
  }

  /** Reads and validates a {@code tokenizer.json}; failures name the file and the reason. */
  public static HuggingFaceBpeTokenizer read(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(file.toFile());
    } catch (NoSuchFileException e) {
      throw new TokenizerLoadException(file, "file not found");
    } catch (IOException e) {
      throw new TokenizerLoadException(
          file.toString(), "not a valid tokenizer.json: " + e.getMessage(), e);
    }
    return parse(root, file.toString());
  }

  static HuggingFaceBpeTokenizer parse(JsonNode root, String source) {
    if (root == null || !root.isObject() || !root.path("model").isObject()) {
      throw new TokenizerLoadException(source, "not a tokenizer.json: no \"model\" object");
    }
    JsonNode model = root.get("model");
    String type = model.path("type").asText("BPE");
    if (!type.equals("BPE")) {
      throw new TokenizerLoadException(
          source, "unsupported model.type " + type + ": only BPE is supported");
    }
    if (!model.path("vocab").isObject()) {
      throw new TokenizerLoadException(source, "model.vocab is missing or not an object");
    }
    for (String field : new String[] {"continuing_subword_prefix", "end_of_word_suffix"}) {
      if (model.hasNonNull(field) && !model.get(field).asText().isEmpty()) {
        throw new TokenizerLoadException(source, "unsupported model." + field);
      }
    }
    if (model.hasNonNull("dropout") && model.get("dropout").asDouble() > 0) {
      throw new TokenizerLoadException(source, "unsupported model.dropout: encoding must be exact");
    }

    Map<String, Integer> vocabMap = new LinkedHashMap<>();
    int maxId = -1;
    for (Iterator<Map.Entry<String, JsonNode>> it = model.get("vocab").fields(); it.hasNext(); ) {
      var e = it.next();
      int id = e.getValue().asInt(-1);
      if (id < 0) {
        throw new TokenizerLoadException(source, "model.vocab[" + e.getKey() + "] is not an id");
      }
      vocabMap.put(e.getKey(), id);
      maxId = Math.max(maxId, id);
    }
    Map<String, Integer> specials = new HashMap<>();
    for (JsonNode added : root.path("added_tokens")) {
      String content = added.path("content").asText();
      int id = added.path("id").asInt(-1);
      if (id < 0 || content.isEmpty()) {
        throw new TokenizerLoadException(source, "added_tokens entry without id or content");
      }
      if (!added.path("special").asBoolean(false)) {
        throw new TokenizerLoadException(
            source,
            "unsupported non-special added token \"" + content + "\" (user-defined symbols)");
      }
      specials.put(content, id);
      vocabMap.putIfAbsent(content, id);
      maxId = Math.max(maxId, id);
    }
    String[] pieces = new String[maxId + 1];
    vocabMap.forEach((piece, id) -> pieces[id] = pieces[id] == null ? piece : pieces[id]);

    JsonNode mergesNode = model.path("merges");
    long[] pairs = new long[mergesNode.size()];
    int i = 0;
    for (JsonNode m : mergesNode) {
      String left;
      String right;
      if (m.isArray() && m.size() == 2) {
        left = m.get(0).asText();
        right = m.get(1).asText();
      } else if (m.isTextual() && m.asText().indexOf(' ') > 0) {
        String s = m.asText();
        int space = s.indexOf(' ');
        left = s.substring(0, space);
        right = s.substring(space + 1);
      } else {
        throw new TokenizerLoadException(source, "model.merges[" + i + "] is malformed: " + m);
      }
      Integer l = vocabMap.get(left);
      Integer r = vocabMap.get(right);
      if (l == null || r == null || !vocabMap.containsKey(left + right)) {
        throw new TokenizerLoadException(
            source, "model.merges[" + i + "] \"" + left + " " + right + "\" is not in the vocab");
      }
      pairs[i++] = (long) l << 32 | r;
    }

    String unk = model.path("unk_token").asText(null);
    int unkId = unk == null ? -1 : vocabMap.getOrDefault(unk, -1);
    boolean prepend = spaceHandling(root, source);
    return new HuggingFaceBpeTokenizer(
        source,
        pieces,
        pairs,
        unkId,
        model.path("byte_fallback").asBoolean(false),
        model.path("fuse_unk").asBoolean(false),
        model.path("ignore_merges").asBoolean(false),
        prepend,
        specials);
  }

  /**
   * Accepts the two ways LLaMA conversions spell "spaces are U+2581, with a leading one": the
   * legacy normalizer {@code Sequence[Prepend("▁"), Replace(" ", "▁")]} and the {@code Metaspace}
   * pre-tokenizer without splitting. Returns whether the leading U+2581 is added.
   */
  private static boolean spaceHandling(JsonNode root, String source) {
    JsonNode normalizer = root.path("normalizer");
    JsonNode pre = root.path("pre_tokenizer");
    if (normalizer.isObject()) {
      if (pre.isObject()) {
        throw new TokenizerLoadException(
            source, "unsupported: both a normalizer and a pre_tokenizer");
      }
      List<JsonNode> steps = new ArrayList<>();
      if ("Sequence".equals(normalizer.path("type").asText())) {
        normalizer.path("normalizers").forEach(steps::add);
      } else {
        steps.add(normalizer);
      }
      boolean prepend = false;
      boolean replace = false;
      for (JsonNode step : steps) {
        String t = step.path("type").asText();
        if (t.equals("Prepend") && "\u2581".equals(step.path("prepend").asText()) && !replace) {
          prepend = true;
        } else if (t.equals("Replace")
            && " ".equals(step.path("pattern").path("String").asText())
            && "\u2581".equals(step.path("content").asText())) {
          replace = true;
        } else {
          throw new TokenizerLoadException(
              source, "unsupported normalizer step " + step + " (expected LLaMA's)");
        }
      }
      if (!replace) {
        throw new TokenizerLoadException(
            source, "unsupported normalizer: spaces are not replaced by U+2581");
      }
      return prepend;
    }
    if (pre.isObject() && "Metaspace".equals(pre.path("type").asText())) {
      if (!"\u2581".equals(pre.path("replacement").asText("\u2581"))
          || pre.path("split").asBoolean(true)) {
        throw new TokenizerLoadException(
            source, "unsupported Metaspace pre_tokenizer (needs replacement ▁ and split false)");
      }
      String scheme = pre.path("prepend_scheme").asText("");
      if (scheme.isEmpty()) {
        return pre.path("add_prefix_space").asBoolean(true);
      }
      return !scheme.equals("never");
    }
    throw new TokenizerLoadException(
        source,
        "unsupported normalizer/pre_tokenizer: expected LLaMA's Prepend+Replace normalizer or a"
            + " Metaspace pre_tokenizer");
  }

  @Override
  public int[] encode(String text) {
    return encode(text, prependSpace);
  }

  @Override
  public int[] encodeWithoutDummyPrefix(String text) {
    return encode(text, false);
  }

  private int[] encode(String text, boolean prepend) {
    if (text.isEmpty()) {
      return new int[0];
    }
    int n = text.length();
    char[] w = new char[n + 1];
    int len = 0;
    if (prepend) {
      w[len++] = SPACE_SYMBOL;
    }
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      w[len++] = c == ' ' ? SPACE_SYMBOL : c;
    }
    if (ignoreMerges) {
      int whole = vocab.find(w, 0, len);
      if (whole >= 0) {
        return new int[] {whole};
      }
    }

    // One symbol per character; characters outside the vocabulary become byte tokens.
    int[] sym = new int[len * 4];
    int count = 0;
    boolean prevUnk = false;
    for (int i = 0; i < len; ) {
      int step = Character.isHighSurrogate(w[i]) && i + 1 < len ? 2 : 1;
      int id = vocab.find(w, i, i + step);
      if (id >= 0) {
        sym[count++] = id;
        prevUnk = false;
      } else if (byteFallback && byteIdsComplete(w, i, i + step)) {
        for (byte b : new String(w, i, step).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
          sym[count++] = byteIds[b & 0xFF];
        }
        prevUnk = false;
      } else {
        if (unkId < 0) {
          throw new IllegalArgumentException(
              "character U+"
                  + Integer.toHexString(Character.codePointAt(w, i))
                  + " is not in the"
                  + " vocabulary of "
                  + source
                  + " and it has no unk_token");
        }
        if (!(fuseUnk && prevUnk)) {
          sym[count++] = unkId;
        }
        prevUnk = true;
      }
      i += step;
    }
    return mergeAll(sym, count);
  }

  private boolean byteIdsComplete(char[] w, int from, int to) {
    for (byte b :
        new String(w, from, to - from).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      if (byteIds[b & 0xFF] < 0) {
        return false;
      }
    }
    return true;
  }

  /** word.rs {@code merge_all}: pop the lowest (rank, position); skip entries gone stale. */
  private int[] mergeAll(int[] sym, int count) {
    int[] prev = new int[count];
    int[] next = new int[count];
    boolean[] gone = new boolean[count];
    for (int i = 0; i < count; i++) {
      prev[i] = i - 1;
      next[i] = i + 1 < count ? i + 1 : -1;
    }
    var queue = new RankQueue(3 * count + 1);
    for (int i = 0; i + 1 < count; i++) {
      int m = merges.find(sym[i], sym[i + 1]);
      if (m >= 0) {
        queue.push(merges.rank(m), i, merges.newId(m));
      }
    }
    while (!queue.isEmpty()) {
      queue.pop();
      int pos = queue.lastPos;
      int newId = queue.lastNewId;
      if (gone[pos] || next[pos] < 0) {
        continue;
      }
      int right = next[pos];
      int m = merges.find(sym[pos], sym[right]);
      if (m < 0 || merges.newId(m) != newId) {
        continue;
      }
      sym[pos] = newId;
      gone[right] = true;
      next[pos] = next[right];
      if (next[right] >= 0) {
        prev[next[right]] = pos;
      }
      if (prev[pos] >= 0) {
        int p = prev[pos];
        int pm = merges.find(sym[p], sym[pos]);
        if (pm >= 0) {
          queue.push(merges.rank(pm), p, merges.newId(pm));
        }
      }
      if (next[pos] >= 0) {
        int nm = merges.find(sym[pos], sym[next[pos]]);
        if (nm >= 0) {
          queue.push(merges.rank(nm), pos, merges.newId(nm));
        }
      }
    }
    var out = new IntBuilder(count);
    for (int i = 0; i >= 0 && i < count; i = next[i]) {
      out.add(sym[i]);
    }
    return out.toArray();
  }

  /**
   * As the tokenizers library's LLaMA decoder chain: U+2581 to space, byte tokens reassembled (a
   * run that is not valid UTF-8 becomes one U+FFFD per byte token), then one leading space stripped
   * when the encoder adds one. Special tokens are skipped.
   */
  @Override
  public String decode(int[] ids) {
    var text = new StringBuilder(ids.length * 4);
    byte[] bytes = new byte[16];
    int byteCount = 0;
    for (int id : ids) {
      checkId(id);
      int b = pieces[id] == null ? -1 : SentencePieceTokenizer.byteValue(pieces[id]);
      if (b >= 0) {
        if (byteCount == bytes.length) {
          bytes = Arrays.copyOf(bytes, byteCount * 2);
        }
        bytes[byteCount++] = (byte) b;
        continue;
      }
      byteCount = flushBytes(bytes, byteCount, text);
      if (special[id] || pieces[id] == null) {
        continue;
      }
      text.append(pieces[id].replace(SPACE_SYMBOL, ' '));
    }
    flushBytes(bytes, byteCount, text);
    if (prependSpace && text.length() > 0 && text.charAt(0) == ' ') {
      text.deleteCharAt(0);
    }
    return text.toString();
  }

  private static int flushBytes(byte[] bytes, int n, StringBuilder text) {
    if (n == 0) {
      return 0;
    }
    var decoder =
        java.nio.charset.StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
            .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
    try {
      text.append(decoder.decode(java.nio.ByteBuffer.wrap(bytes, 0, n)));
    } catch (java.nio.charset.CharacterCodingException e) {
      text.append("\uFFFD".repeat(n));
    }
    return 0;
  }

  @Override
  public String pieceText(int id) {
    checkId(id);
    if (special[id] || pieces[id] == null) {
      return "";
    }
    int b = SentencePieceTokenizer.byteValue(pieces[id]);
    return b >= 0 ? String.valueOf((char) b) : pieces[id].replace(SPACE_SYMBOL, ' ');
  }

  @Override
  public byte[] pieceBytes(int id) {
    checkId(id);
    int b = pieces[id] == null ? -1 : SentencePieceTokenizer.byteValue(pieces[id]);
    return b >= 0
        ? new byte[] {(byte) b}
        : pieceText(id).getBytes(java.nio.charset.StandardCharsets.UTF_8);
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

  @Override
  public int specialTokenId(String token) {
    return specials.getOrDefault(token, -1);
  }

  @Override
  public List<String> specialTokens() {
    List<String> out = new ArrayList<>();
    for (int id = 0; id < pieces.length; id++) {
      if (special[id]) {
        out.add(pieces[id]);
      }
    }
    return out;
  }

  @Override
  public String source() {
    return source;
  }

  /** (left id, right id) to (rank, merged id), open addressing on the packed pair. */
  private static final class MergeTable {
    private final long[] keys;
    private final int[] ranks;
    private final int[] newIds;
    private final int mask;

    MergeTable(long[] pairs, char[][] texts, PieceTable vocab) {
      int capacity = Integer.highestOneBit(Math.max(4, pairs.length * 2 - 1)) << 1;
      keys = new long[capacity];
      ranks = new int[capacity];
      newIds = new int[capacity];
      mask = capacity - 1;
      Arrays.fill(ranks, -1);
      for (int rank = 0; rank < pairs.length; rank++) {
        long key = pairs[rank];
        int slot = slot(key);
        if (slot >= 0 && ranks[slot] >= 0) {
          continue; // first occurrence wins, as in the Rust library
        }
        int i = -slot - 1;
        char[] l = texts[(int) (key >>> 32)];
        char[] r = texts[(int) key];
        char[] both = Arrays.copyOf(l, l.length + r.length);
        System.arraycopy(r, 0, both, l.length, r.length);
        keys[i] = key;
        ranks[i] = rank;
        newIds[i] = vocab.find(both, 0, both.length);
      }
    }

    /** Slot holding {@code key}, or -(free slot) - 1. */
    private int slot(long key) {
      int i = (int) (key * 0x9E3779B97F4A7C15L >>> 40) & mask;
      while (ranks[i] >= 0) {
        if (keys[i] == key) {
          return i;
        }
        i = (i + 1) & mask;
      }
      return -i - 1;
    }

    int find(int left, int right) {
      int s = slot((long) left << 32 | right);
      return s >= 0 ? s : -1;
    }

    int rank(int slot) {
      return ranks[slot];
    }

    int newId(int slot) {
      return newIds[slot];
    }
  }

  /** Min-heap on (rank, position): the lowest rank merges first; ties go to the leftmost. */
  private static final class RankQueue extends IndexHeap {
    private final int[] rank;
    private final int[] pos;
    private final int[] newId;
    private int entries;
    int lastPos;
    int lastNewId;

    RankQueue(int capacity) {
      super(capacity);
      rank = new int[capacity];
      pos = new int[capacity];
      newId = new int[capacity];
    }

    void push(int r, int p, int id) {
      int e = entries++;
      rank[e] = r;
      pos[e] = p;
      newId[e] = id;
      insert(e);
    }

    void pop() {
      int top = removeFirst();
      lastPos = pos[top];
      lastNewId = newId[top];
    }

    @Override
    boolean before(int a, int b) {
      return rank[a] < rank[b] || (rank[a] == rank[b] && pos[a] < pos[b]);
    }
  }
}
