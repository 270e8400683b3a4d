package io.mcpai.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The oracle itself answers the anchors shared/README.md gives for the real LLaMA 2 model. */
class SentencePieceOracleTest {
  @Test
  void answersTheKnownLlama2Anchor() {
    try (var sp = new SentencePieceOracle(SharedData.llama2TokenizerModel())) {
      assertThat(sp.encode("Hello world")).containsExactly(15043, 3186);
      assertThat(sp.piece(1)).isEqualTo("<s>");
      assertThat(sp.piece(2)).isEqualTo("</s>");
    }
  }
}
