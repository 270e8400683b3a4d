package io.mcpai.core.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mcpai.core.tokenizer.SentencePieceModel.Piece;
import io.mcpai.core.tokenizer.SentencePieceModel.Type;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the {@code tokenizer.json} that Hugging Face's {@code LlamaConverter}
 * (transformers/convert_slow_tokenizer.py) makes from a SentencePiece BPE model: the vocabulary in
 * id order, merges recovered from the pieces ({@code SentencePieceExtractor}: every split of a
 * piece into two pieces, ordered by the piece's score), control pieces as special added tokens, and
 * either the legacy Prepend+Replace normalizer or the Metaspace pre-tokenizer.
 *
 * <p>It lets a deployment that only has {@code tokenizer.model} serve HF tooling, and it is how the
 * tests prove our {@code tokenizer.json} loader against the real Rust library.
 */
public final class TokenizerJsonConverter {
  private TokenizerJsonConverter() {}

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println(
          "usage: TokenizerJsonConverter tokenizer.model tokenizer.json [--metaspace]");
      System.exit(2);
    }
    boolean legacy = !(args.length > 2 && args[2].equals("--metaspace"));
    Files.writeString(Path.of(args[1]), convert(SentencePieceModel.read(Path.of(args[0])), legacy));
  }

  /**
   * @param legacy true for {@code normalizer: Sequence[Prepend, Replace]} (LlamaTokenizer's
   *     default), false for the {@code Metaspace} pre-tokenizer with {@code prepend_scheme: first}
   */
  public static String convert(SentencePieceModel model, boolean legacy) {
    var mapper = new ObjectMapper();
    List<Piece> pieces = model.pieces();
    // LlamaConverter.vocab: the first three pieces get score 0.
    List<String> words = new ArrayList<>();
    List<Float> scores = new ArrayList<>();
    for (int i = 0; i < pieces.size(); i++) {
      words.add(pieces.get(i).text());
      scores.add(i < 3 ? 0f : pieces.get(i).score());
    }
    Map<String, Integer> vocab = new HashMap<>();
    for (int i = 0; i < words.size(); i++) {
      vocab.put(words.get(i), i); // a dict comprehension: the last duplicate wins
    }
    Map<String, Float> vocabScores = new LinkedHashMap<>();
    for (int i = 0; i < words.size(); i++) {
      vocabScores.put(words.get(i), scores.get(i));
    }

    record Merge(String left, String right, float score) {}
    List<Merge> merges = new ArrayList<>();
    for (var e : vocabScores.entrySet()) {
      String piece = e.getKey();
      List<Merge> local = new ArrayList<>();
      // Python slices by code point, so split only between code points.
      for (int i = piece.offsetByCodePoints(0, 1);
          i < piece.length();
          i = piece.offsetByCodePoints(i, 1)) {
        String l = piece.substring(0, i);
        String r = piece.substring(i);
        if (vocab.containsKey(l) && vocab.containsKey(r)) {
          local.add(new Merge(l, r, e.getValue()));
        }
      }
      local.sort(
          Comparator.comparingInt((Merge m) -> vocab.get(m.left()))
              .thenComparingInt(m -> vocab.get(m.right())));
      merges.addAll(local);
    }
    // Stable, like Python's sorted(..., reverse=True) on the score alone.
    merges.sort(Comparator.comparingDouble((Merge m) -> m.score()).reversed());

    ObjectNode root = mapper.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    for (int i = 0; i < pieces.size(); i++) {
      Type t = pieces.get(i).type();
      if (t == Type.CONTROL || t == Type.USER_DEFINED) {
        ObjectNode token = added.addObject();
        token.put("id", i);
        token.put("content", pieces.get(i).text());
        token.put("single_word", false);
        token.put("lstrip", false);
        token.put("rstrip", false);
        token.put("normalized", false);
        token.put("special", t == Type.CONTROL);
      }
    }
    if (legacy) {
      ObjectNode normalizer = root.putObject("normalizer");
      normalizer.put("type", "Sequence");
      ArrayNode steps = normalizer.putArray("normalizers");
      steps.addObject().put("type", "Prepend").put("prepend", "\u2581");
      ObjectNode replace = steps.addObject().put("type", "Replace");
      replace.putObject("pattern").put("String", " ");
      replace.put("content", "\u2581");
      root.putNull("pre_tokenizer");
    } else {
      root.putNull("normalizer");
      root.putObject("pre_tokenizer")
          .put("type", "Metaspace")
          .put("replacement", "\u2581")
          .put("prepend_scheme", "first")
          .put("split", false);
    }
    root.putNull("post_processor");
    ObjectNode decoder = root.putObject("decoder");
    decoder.put("type", "Sequence");
    ArrayNode decoders = decoder.putArray("decoders");
    ObjectNode rep = decoders.addObject().put("type", "Replace");
    rep.putObject("pattern").put("String", "\u2581");
    rep.put("content", " ");
    decoders.addObject().put("type", "ByteFallback");
    decoders.addObject().put("type", "Fuse");
    decoders.addObject().put("type", "Strip").put("content", " ").put("start", 1).put("stop", 0);

    ObjectNode bpe = root.putObject("model");
    bpe.put("type", "BPE");
    bpe.putNull("dropout");
    bpe.put("unk_token", pieces.get(0).type() == Type.UNKNOWN ? pieces.get(0).text() : "<unk>");
    bpe.putNull("continuing_subword_prefix");
    bpe.putNull("end_of_word_suffix");
    bpe.put("fuse_unk", true);
    bpe.put("byte_fallback", model.byteFallback());
    bpe.put("ignore_merges", false);
    ObjectNode v = bpe.putObject("vocab");
    for (int i = 0; i < words.size(); i++) {
      v.put(words.get(i), i);
    }
    ArrayNode m = bpe.putArray("merges");
    for (Merge merge : merges) {
      m.addArray().add(merge.left()).add(merge.right());
    }
    try {
      return mapper.writeValueAsString(root);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
