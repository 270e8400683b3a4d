package io.mcpai.core.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpai.core.testing.SentencePieceOracle;
import io.mcpai.core.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Random text, biased to what breaks tokenizers (whitespace runs, emoji and ZWJ, CJK, accents,
 * bytes outside any vocabulary), must encode exactly as Google's SentencePiece does, on the real
 * LLaMA 2 model and on our embedded model, and decode back to itself.
 */
class SentencePiecePropertyTest {
  private static SentencePieceOracle llamaOracle;
  private static SentencePieceTokenizer llama;

  private static synchronized boolean llamaLoaded() {
    Path model = SharedData.dir().resolve("models/llama2-tokenizer/tokenizer.model");
    if (!Files.exists(model)) {
      return false;
    }
    if (llama == null) {
      llama = (SentencePieceTokenizer) TokenizerLoader.fromFile(model);
      llamaOracle = new SentencePieceOracle(model);
    }
    return true;
  }

  @AfterContainer
  static void close() {
    if (llamaOracle != null) {
      llamaOracle.close();
    }
    if (embeddedOracleInstance != null) {
      embeddedOracleInstance.close();
    }
  }

  @Property(tries = 400)
  void llama2MatchesTheOracle(@ForAll("texts") String text) {
    if (!llamaLoaded()) {
      return; // ../shared is absent: SentencePieceTokenizerTest reports the skip
    }
    assertThat(llama.encode(text)).containsExactly(llamaOracle.encode(text));
    assertThat(llama.decode(llama.encode(text))).isEqualTo(text);
  }

  @Property(tries = 300)
  void embeddedMatchesTheOracle(@ForAll("texts") String text) throws Exception {
    SentencePieceOracle oracle = embeddedOracle();
    SentencePieceTokenizer embedded = TokenizerLoader.embedded();
    assertThat(embedded.encode(text)).containsExactly(oracle.encode(text));
    assertThat(embedded.decode(embedded.encode(text))).isEqualTo(text);
  }

  private static SentencePieceOracle embeddedOracleInstance;

  private static synchronized SentencePieceOracle embeddedOracle() throws Exception {
    if (embeddedOracleInstance == null) {
      Path file = Files.createTempFile("embedded", ".model");
      file.toFile().deleteOnExit();
      try (var in =
          SentencePiecePropertyTest.class.getResourceAsStream(TokenizerLoader.EMBEDDED_RESOURCE)) {
        Files.write(file, in.readAllBytes());
      }
      embeddedOracleInstance = new SentencePieceOracle(file);
    }
    return embeddedOracleInstance;
  }

  @Provide
  static Arbitrary<String> texts() {
    Arbitrary<Character> chars =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(6, Arbitraries.chars().range('a', 'z')),
            net.jqwik.api.Tuple.of(2, Arbitraries.chars().range('A', 'Z')),
            net.jqwik.api.Tuple.of(6, Arbitraries.of(' ', ' ', '\t', '\n', '\r', '\u00A0')),
            net.jqwik.api.Tuple.of(2, Arbitraries.chars().range('!', '@')),
            net.jqwik.api.Tuple.of(2, Arbitraries.chars().range('\u00C0', '\u017F')),
            net.jqwik.api.Tuple.of(3, Arbitraries.chars().range('\u4E00', '\u9FFF')),
            net.jqwik.api.Tuple.of(1, Arbitraries.chars().range('\u3040', '\u30FF')),
            net.jqwik.api.Tuple.of(1, Arbitraries.chars().range('\u0400', '\u04FF')),
            net.jqwik.api.Tuple.of(
                1, Arbitraries.of('\u200D', '\uFE0F', '\u200B', '\u0001', '\u007F')),
            net.jqwik.api.Tuple.of(1, Arbitraries.chars().range('\uAC00', '\uD7A3')));
    Arbitrary<String> emoji =
        Arbitraries.of(
            "😀", "👍🏽", "👨‍👩‍👧‍👦", "🇯🇵", "🏳️‍🌈", "🎉", "𝔸", "🤖", "❤️", "🧑🏿‍🚀");
    Arbitrary<String> unit =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(10, chars.map(String::valueOf)),
            net.jqwik.api.Tuple.of(2, emoji),
            net.jqwik.api.Tuple.of(
                1, Arbitraries.integers().between(0x10000, 0x10FFFF).map(Character::toString)));
    return unit.list().ofMaxSize(60).map(l -> String.join("", l));
  }
}
