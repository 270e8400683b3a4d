package io.mcpai.core.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcpai.core.testing.SentencePieceOracle;
import io.mcpai.core.testing.SharedData;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Our SentencePiece BPE against Google's C++ library on the real LLaMA 2 model. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SentencePieceTokenizerTest {
  private SentencePieceTokenizer ours;
  private SentencePieceOracle oracle;

  @BeforeAll
  void load() {
    Path model = SharedData.llama2TokenizerModel();
    ours = (SentencePieceTokenizer) TokenizerLoader.fromFile(model);
    oracle = new SentencePieceOracle(model);
  }

  @AfterAll
  void close() {
    if (oracle != null) {
      oracle.close();
    }
  }

  @Test
  void knownLlama2Anchors() {
    assertThat(ours.encode("Hello world")).containsExactly(15043, 3186);
    assertThat(ours.bosId()).isEqualTo(1);
    assertThat(ours.eosId()).isEqualTo(2);
    assertThat(ours.unkId()).isZero();
    assertThat(ours.vocabSize()).isEqualTo(32000);
    assertThat(ours.specialTokenId("<s>")).isEqualTo(1);
    assertThat(ours.specialTokenId("<|im_start|>")).isEqualTo(-1);
  }

  @Test
  void matchesTheOracleIdForIdOnTheCorpus() {
    for (String text : Corpus.texts()) {
      assertThat(ours.encode(text))
          .as("encode(%s)", abbreviate(text))
          .containsExactly(oracle.encode(text));
    }
  }

  @Test
  void decodesAsTheOracleDoes() {
    for (String text : Corpus.texts()) {
      int[] ids = oracle.encode(text);
      String expected = oracle.decode(ids);
      // DJL returns the decoded string through JNI's modified UTF-8, which garbles characters
      // outside the BMP and stops at NUL; compare only where that transport is faithful.
      if (text.codePoints().allMatch(c -> c > 0 && c < 0x10000)) {
        assertThat(ours.decode(ids)).as("decode(%s)", abbreviate(text)).isEqualTo(expected);
      }
    }
  }

  @Test
  void decodeRoundTripsEncode() {
    for (String text : Corpus.texts()) {
      if (text.indexOf('\u2581') >= 0) {
        continue; // a literal U+2581 is escaped whitespace to SentencePiece: it decodes as a space
      }
      assertThat(ours.decode(ours.encode(text)))
          .as("round trip %s", abbreviate(text))
          .isEqualTo(text);
    }
  }

  @Test
  void decodesSpecialAndBytePiecesAsSentencePieceDoes() {
    // BOS is invisible and does not end the dummy-prefix position; a lone byte is invalid UTF-8.
    assertThat(ours.decode(new int[] {1, 15043, 3186, 2})).isEqualTo("Hello world");
    assertThat(ours.decode(new int[] {243, 29871, 15043}))
        .isEqualTo(oracle.decode(new int[] {243, 29871, 15043}));
    assertThat(ours.decode(new int[] {0, 15043})).isEqualTo(oracle.decode(new int[] {0, 15043}));
    assertThat(ours.decode(new int[] {1, 29871, 15043}))
        .isEqualTo(oracle.decode(new int[] {1, 29871, 15043}));
    assertThat(ours.decode(new int[] {3186, 1, 15043}))
        .isEqualTo(oracle.decode(new int[] {3186, 1, 15043}));
    assertThat(ours.decode(new int[] {29871, 243, 162, 155, 131})).isEqualTo("😀");
    assertThat(ours.decode(new int[] {15043, 29871, 243, 162, 155, 131})).isEqualTo("Hello 😀");
    assertThat(ours.decode(new int[] {243, 162, 155})).isEqualTo("\uFFFD\uFFFD\uFFFD");
  }

  @Test
  void withoutDummyPrefixDropsOnlyTheLeadingSpaceSymbol() {
    int[] ids = ours.encodeWithoutDummyPrefix("Hello world");
    assertThat(ids).hasSize(2).endsWith(3186);
    assertThat(ours.piece(ids[0])).isEqualTo("Hello");
    assertThat(ours.decode(ours.encodeWithoutDummyPrefix("Hello world"))).isEqualTo("Hello world");
  }

  @Test
  void pieceTextAndBytesForStreaming() {
    assertThat(ours.pieceText(15043)).isEqualTo(" Hello");
    assertThat(ours.pieceText(1)).isEmpty();
    assertThat(ours.pieceBytes(243)).containsExactly((byte) 0xF0);
    assertThat(ours.piece(243)).isEqualTo("<0xF0>");
    assertThatThrownBy(() -> ours.decode(new int[] {32000}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("32000");
  }

  @Test
  void piecesAgreeWithTheOracle() {
    for (int id : new int[] {0, 1, 2, 3, 258, 259, 15043, 29871, 31999}) {
      assertThat(ours.piece(id)).isEqualTo(oracle.piece(id));
    }
  }

  static String abbreviate(String s) {
    String shown = s.length() > 60 ? s.substring(0, 60) + "...(" + s.length() + " chars)" : s;
    return "\"" + shown + "\"";
  }
}
