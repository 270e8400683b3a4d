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

  /**
   * Ids of a rendered prompt that travels as text, read the way text-prompt servers (DJL Serving,
   * TGI, Hugging Face's legacy LLaMA tokenizer) read it: each special token written in the text
   * ({@code <s>}, {@code </s>}) becomes its id, each span between them is encoded on its own with
   * {@link #encode(String)}, and BOS is prepended unless the text starts with it. A LLaMA 2 prompt
   * rendered by the chat template therefore reads back as exactly the ids the template built, which
   * is what lets the gateway send text and still be token-exact.
   */
  default int[] encodePrompt(String text) {
    List<String> specials = specialTokens();
    int[] out = new int[Math.max(16, text.length() / 2)];
    int n = 0;
    int from = 0;
    while (from <= text.length()) {
      // The next special token: the earliest, and the longest where two start at the same place.
      int at = text.length();
      String found = null;
      for (String special : specials) {
        int i = text.indexOf(special, from);
        if (i >= 0 && (i < at || (i == at && found != null && special.length() > found.length()))) {
          at = i;
          found = special;
        }
      }
      if (at > from) {
        int[] span = encode(text.substring(from, at));
        if (n + span.length + 2 > out.length) {
          out = java.util.Arrays.copyOf(out, Math.max(out.length * 2, n + span.length + 2));
        }
        System.arraycopy(span, 0, out, n, span.length);
        n += span.length;
      }
      if (found == null) {
        break;
      }
      if (n + 2 > out.length) {
        out = java.util.Arrays.copyOf(out, out.length * 2);
      }
      out[n++] = specialTokenId(found);
      from = at + found.length();
    }
    if (n > 0 && out[0] == bosId()) {
      return java.util.Arrays.copyOf(out, n);
    }
    int[] withBos = new int[n + 1];
    withBos[0] = bosId();
    System.arraycopy(out, 0, withBos, 1, n);
    return withBos;
  }
}
