package io.mcpai.inference;

import io.mcpai.core.tokenizer.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A byte-level tokenizer (0 unk, 1 BOS, 2 EOS, 3..258 the bytes): the embedded model's fallback
 * when the embedded SentencePiece model is not on the classpath. Exact and lossless, just long.
 */
final class ByteTokenizer implements Tokenizer {
  static final String MARKER = "byte-tokenizer.txt";

  @Override
  public int[] encode(String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    int[] ids = new int[b.length];
    for (int i = 0; i < b.length; i++) {
      ids[i] = (b[i] & 0xff) + 3;
    }
    return ids;
  }

  @Override
  public String decode(int[] ids) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int id : ids) {
      if (id >= 3 && id < 259) {
        out.write(id - 3);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Override
  public String pieceText(int id) {
    return decode(new int[] {id});
  }

  @Override
  public int vocabSize() {
    return 259;
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
    return switch (token) {
      case "<s>" -> 1;
      case "</s>" -> 2;
      case "<unk>" -> 0;
      default -> -1;
    };
  }

  @Override
  public String source() {
    return "byte-level (embedded fallback)";
  }
}
