package io.mcpai.core.tokenizer;

import java.util.List;

/**
 * A model's tokenizer: text to token ids and back, exactly as the model was trained with.
 *
 * <p>{@link #encode(String)} follows SentencePiece's {@code encode}: no BOS/EOS are added, and the
 * dummy-prefix space is applied when the model asks for it (LLaMA 2 does), so {@code encode("Hello
 * world")} is {@code [15043, 3186]} for LLaMA 2. Chat templates add BOS/EOS themselves, segment by
 * segment, as the model's reference code does.
 */
public interface Tokenizer {

  /** Token ids of {@code text}, without BOS or EOS. */
  int[] encode(String text);

  /**
   * Token ids of {@code text} as it continues a sequence: without BOS/EOS and without the
   * dummy-prefix space. Templates that join segments mid-line (ChatML after {@code <|im_start|>})
   * need this; LLaMA 2's reference template always uses {@link #encode(String)}.
   */
  default int[] encodeWithoutDummyPrefix(String text) {
    throw new UnsupportedOperationException(
        getClass().getSimpleName() + " cannot encode without the dummy prefix");
  }

  /** Text of {@code ids}; control tokens (BOS, EOS) are skipped, byte pieces are reassembled. */
  String decode(int[] ids);

  /** Text of one piece as it appears in a stream (leading space restored, bytes as raw bytes). */
  String pieceText(int id);

  /**
   * Bytes of one piece as it appears in a stream: byte-fallback pieces are single raw bytes, so a
   * streaming decoder can reassemble UTF-8 across tokens.
   */
  default byte[] pieceBytes(int id) {
    return pieceText(id).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  int vocabSize();

  int bosId();

  int eosId();

  /** Id of a special token such as {@code <|im_start|>}, or -1 when the vocabulary lacks it. */
  int specialTokenId(String token);

  /** Where the tokenizer was loaded from, for logs and errors. */
  String source();

  default int count(String text) {
    return encode(text).length;
  }

  default List<String> specialTokens() {
    return List.of();
  }
}
