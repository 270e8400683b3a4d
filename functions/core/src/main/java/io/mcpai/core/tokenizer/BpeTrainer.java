package io.mcpai.core.tokenizer;

import io.mcpai.core.tokenizer.SentencePieceModel.Piece;
import io.mcpai.core.tokenizer.SentencePieceModel.Type;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A small, deterministic SentencePiece-style BPE trainer: it produces the embedded default
 * tokenizer ({@value TokenizerLoader#EMBEDDED_NAME}) from the English corpus shipped beside it, so
 * the model file is reproducible byte for byte and nobody has to trust an opaque binary.
 *
 * <p>Layout as LLaMA 2's: {@code <unk>}=0, {@code <s>}=1, {@code </s>}=2, the 256 byte pieces
 * {@code <0x00>..<0xFF>}, the learned pieces (merges by decreasing score, then single characters),
 * and the control symbols last. Words never cross whitespace: each starts with U+2581 like
 * SentencePiece's. Ties between equally frequent pairs break on the merged text, so the result
 * never depends on hash order.
 *
 * <p>Run {@code java -cp mcp-core.jar io.mcpai.core.tokenizer.BpeTrainer [corpus] [out]} to
 * regenerate; without arguments it rewrites the resource in the source tree.
 */
public final class BpeTrainer {
  private static final char SPACE_SYMBOL = '\u2581';

  static final String CORPUS_RESOURCE = "/io/mcpai/core/tokenizer/embedded/corpus.txt";

  /**
   * @param name stored as {@code trainer_spec.model_prefix}
   * @param vocabSize total pieces, special and byte pieces included
   * @param controlSymbols control pieces placed at the end, e.g. ChatML's markers
   * @param maxPieceLength longest learned piece, in chars
   */
  public record Options(
      String name, int vocabSize, List<String> controlSymbols, int maxPieceLength) {
    public Options {
      controlSymbols = List.copyOf(controlSymbols);
    }
  }

  /** The options of the embedded default model. */
  public static final Options EMBEDDED =
      new Options(TokenizerLoader.EMBEDDED_NAME, 1024, List.of("<|im_start|>", "<|im_end|>"), 16);

  private BpeTrainer() {}

  public static void main(String[] args) throws IOException {
    Path corpus =
        Path.of(
            args.length > 0
                ? args[0]
                : "functions/core/src/main/resources/io/mcpai/core/tokenizer/embedded/corpus.txt");
    Path out =
        Path.of(
            args.length > 1
                ? args[1]
                : "functions/core/src/main/resources/io/mcpai/core/tokenizer/embedded/tokenizer.model");
    byte[] model = train(Files.readString(corpus), EMBEDDED).toBytes();
    Files.write(out, model);
    System.out.println("wrote " + out + " (" + model.length + " bytes)");
  }

  /** The embedded model, trained afresh from the corpus on the classpath. */
  static SentencePieceModel trainEmbedded() throws IOException {
    try (InputStream in = BpeTrainer.class.getResourceAsStream(CORPUS_RESOURCE)) {
      if (in == null) {
        throw new IOException("classpath:" + CORPUS_RESOURCE + " is missing");
      }
      return train(new String(in.readAllBytes(), StandardCharsets.UTF_8), EMBEDDED);
    }
  }

  public static SentencePieceModel train(String corpus, Options options) {
    // Word frequencies; TreeMap so that iteration order (and so the result) is deterministic.
    Map<String, Integer> words = new TreeMap<>();
    for (String w : corpus.split("[ \\t\\r\\n]+")) {
      if (!w.isEmpty()) {
        words.merge(SPACE_SYMBOL + w, 1, Integer::sum);
      }
    }

    // Base symbols: every character seen, plus printable ASCII so code never needs byte pieces.
    Map<Integer, Integer> charCounts = new TreeMap<>();
    for (var e : words.entrySet()) {
      e.getKey().codePoints().forEach(c -> charCounts.merge(c, e.getValue(), Integer::sum));
    }
    for (int c = 0x21; c < 0x7F; c++) {
      charCounts.putIfAbsent(c, 0);
    }
    List<String> symbols = new ArrayList<>();
    Map<String, Integer> symbolIds = new HashMap<>();
    charCounts.entrySet().stream()
        .sorted(
            Comparator.comparing((Map.Entry<Integer, Integer> e) -> -e.getValue())
                .thenComparing(Map.Entry::getKey))
        .forEach(e -> intern(Character.toString(e.getKey()), symbols, symbolIds));
    int chars = symbols.size();

    List<int[]> wordSymbols = new ArrayList<>();
    List<Integer> wordCounts = new ArrayList<>();
    for (var e : words.entrySet()) {
      wordSymbols.add(
          e.getKey().codePoints().map(c -> symbolIds.get(Character.toString(c))).toArray());
      wordCounts.add(e.getValue());
    }

    int budget = options.vocabSize() - 3 - 256 - options.controlSymbols().size() - chars;
    if (budget < 0) {
      throw new IllegalArgumentException(
          "vocabSize " + options.vocabSize() + " leaves no room for " + chars + " characters");
    }
    List<String> merges = new ArrayList<>();
    while (merges.size() < budget) {
      Map<Long, Integer> pairs = new HashMap<>();
      for (int w = 0; w < wordSymbols.size(); w++) {
        int[] s = wordSymbols.get(w);
        for (int i = 0; i + 1 < s.length; i++) {
          pairs.merge((long) s[i] << 32 | s[i + 1], wordCounts.get(w), Integer::sum);
        }
      }
      long best = -1;
      int bestCount = 1; // a pair seen once teaches nothing
      String bestText = null;
      for (var e : pairs.entrySet()) {
        int count = e.getValue();
        if (count < bestCount) {
          continue;
        }
        String text = symbols.get((int) (e.getKey() >>> 32)) + symbols.get((int) (long) e.getKey());
        if (text.length() > options.maxPieceLength()) {
          continue;
        }
        if (count > bestCount || bestText == null || text.compareTo(bestText) < 0) {
          best = e.getKey();
          bestCount = count;
          bestText = text;
        }
      }
      if (bestText == null) {
        break; // the corpus is exhausted
      }
      int left = (int) (best >>> 32);
      int right = (int) best;
      boolean fresh = !symbolIds.containsKey(bestText);
      int merged = intern(bestText, symbols, symbolIds);
      if (fresh) {
        merges.add(bestText);
      }
      for (int w = 0; w < wordSymbols.size(); w++) {
        wordSymbols.set(w, replace(wordSymbols.get(w), left, right, merged));
      }
    }

    List<Piece> pieces = new ArrayList<>();
    pieces.add(new Piece("<unk>", 0, Type.UNKNOWN));
    pieces.add(new Piece("<s>", 0, Type.CONTROL));
    pieces.add(new Piece("</s>", 0, Type.CONTROL));
    for (int b = 0; b < 256; b++) {
      pieces.add(new Piece(String.format("<0x%02X>", b), 0, Type.BYTE));
    }
    // Scores encode merge order: SentencePiece merges the highest-scoring pair first.
    float score = 0;
    for (String m : merges) {
      pieces.add(new Piece(m, score--, Type.NORMAL));
    }
    for (int c = 0; c < chars; c++) {
      pieces.add(new Piece(symbols.get(c), score--, Type.NORMAL));
    }
    for (String control : options.controlSymbols()) {
      pieces.add(new Piece(control, 0, Type.CONTROL));
    }
    return new SentencePieceModel(
        options.name(),
        pieces,
        SentencePieceModel.ModelType.BPE,
        true,
        0,
        1,
        2,
        -1,
        SentencePieceModel.DEFAULT_UNK_SURFACE,
        false,
        new SentencePieceModel.Normalizer("identity", 0, true, false, true));
  }

  private static int intern(String s, List<String> symbols, Map<String, Integer> ids) {
    return ids.computeIfAbsent(
        s,
        k -> {
          symbols.add(k);
          return symbols.size() - 1;
        });
  }

  // Left to right, non-overlapping: "aaa" with (a, a) becomes "aa" + "a", as encoding will.
  private static int[] replace(int[] s, int left, int right, int merged) {
    int n = 0;
    int[] out = null;
    for (int i = 0; i < s.length; i++) {
      if (i + 1 < s.length && s[i] == left && s[i + 1] == right) {
        if (out == null) {
          out = java.util.Arrays.copyOf(s, s.length);
          n = i;
        }
        out[n++] = merged;
        i++;
      } else if (out != null) {
        out[n++] = s[i];
      }
    }
    return out == null ? s : java.util.Arrays.copyOf(out, n);
  }
}
