package io.mcpai.core.protocol;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class JsonDepthTest {
  @Test
  void bodiesNestedDeeperThanTheLimitAreMalformedBeforeAnyTreeIsBuilt() {
    String deep =
        "{\"user_input\":\"hi\",\"x\":"
            + "[".repeat(ProtocolJson.MAX_DEPTH)
            + "]".repeat(ProtocolJson.MAX_DEPTH)
            + "}";
    assertThatThrownBy(() -> RequestParserFuzzTest.FORMATTER.format(deep))
        .isInstanceOfSatisfying(
            ProtocolException.class,
            e -> org.assertj.core.api.Assertions.assertThat(e.status()).isEqualTo(400))
        .hasMessageContaining("nesting depth");
    // Just inside the limit it is read, and then refused for the unknown field instead.
    String ok =
        "{\"user_input\":\"hi\",\"x\":"
            + "[".repeat(ProtocolJson.MAX_DEPTH - 1)
            + "]".repeat(ProtocolJson.MAX_DEPTH - 1)
            + "}";
    assertThatThrownBy(() -> RequestParserFuzzTest.FORMATTER.format(ok))
        .isInstanceOfSatisfying(
            ProtocolException.class,
            e -> org.assertj.core.api.Assertions.assertThat(e.status()).isEqualTo(422));
  }
}
