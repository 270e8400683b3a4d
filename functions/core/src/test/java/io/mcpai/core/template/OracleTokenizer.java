package io.mcpai.core.template;

import io.mcpai.core.testing.SentencePieceOracle;
import io.mcpai.core.testing.SharedData;
import io.mcpai.core.tokenizer.Tokenizer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test-scope {@link Tokenizer} over Google's SentencePiece with the real LLaMA 2 model, optionally
 * extended with added control tokens after the vocabulary (as Hugging Face's {@code added_tokens}
 * do), which plain text never encodes to.
 */
public final class OracleTokenizer implements Tokenizer {
  public static final int LLAMA2_VOCAB = 32000;

  private static SentencePieceOracle shared;

  private final SentencePieceOracle sp;
  private final Map<String, Integer> added = new LinkedHashMap<>();

  private OracleTokenizer(SentencePieceOracle sp, List<String> addedTokens) {
    this.sp = sp;
    for (String t : addedTokens) {
      added.put(t, LLAMA2_VOCAB + added.size());
    }
  }

  /** The real LLaMA 2 tokenizer; skips the calling test when ../shared is absent. */
  public static synchronized OracleTokenizer llama2(String... addedTokens) {
    if (shared == null) {
      shared = new SentencePieceOracle(SharedData.llama2TokenizerModel());
    }
    return new OracleTokenizer(shared, List.of(addedTokens));
  }

  public SentencePieceOracle oracle() {
    return sp;
  }

  @Override
  public int[] encode(String text) {
    return sp.encode(text);
  }

  @Override
  public String decode(int[] ids) {
    return sp.decode(Arrays.stream(ids).filter(i -> i < LLAMA2_VOCAB).toArray());
  }

  @Override
  public String pieceText(int id) {
    return sp.piece(id).replace('\u2581', ' ');
  }

  @Override
  public int vocabSize() {
    return LLAMA2_VOCAB + added.size();
  }

  @Override
  public int bosId() {
    return 1;
  }

  @Override
  public int eosId() {
    return 2;
  }

  @Override
  public int specialTokenId(String token) {
    return added.getOrDefault(token, -1);
  }

  @Override
  public String source() {
    return "sentencepiece-oracle:llama2" + (added.isEmpty() ? "" : "+" + added.keySet());
  }
}
