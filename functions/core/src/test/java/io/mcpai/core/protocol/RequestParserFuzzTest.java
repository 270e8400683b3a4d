package io.mcpai.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mcpai.core.context.ContextFormatter;
import io.mcpai.core.context.FormattedContext;
import io.mcpai.core.context.ModelCatalog;
import io.mcpai.core.tokenizer.TokenizerLoader;
import java.nio.charset.StandardCharsets;

/**
 * Hostile bodies against the protocol's validator and formatter: whatever the bytes, the only
 * exception allowed out is our {@link ProtocolException} with a 4xx status (Jazzer reports any
 * other throwable, and in fuzzing mode a hang, as a finding).
 *
 * <p>By default (regression mode) this runs the seeds under {@code
 * src/test/resources/io/mcpai/core/protocol/RequestParserFuzzTestInputs/} in an ordinary test run.
 * To fuzz for real: {@code JAZZER_FUZZ=1 ./mvnw -o -pl functions/core test
 * -Dtest=RequestParserFuzzTest} (new crashing inputs are written beside the seeds).
 */
class RequestParserFuzzTest {
  static final ContextFormatter FORMATTER =
      new ContextFormatter(
          ModelCatalog.standard(TokenizerLoader.embedded(), TokenizerLoader.embedded()));

  @FuzzTest(maxDuration = "2m")
  void formatsOrRefuses(byte[] body) {
    check(() -> FORMATTER.format(body));
    check(() -> FORMATTER.format(new String(body, StandardCharsets.UTF_8)));
  }

  private static void check(java.util.function.Supplier<FormattedContext> f) {
    try {
      FormattedContext fc = f.get();
      assertThat(fc.promptTokens()).isPositive();
    } catch (ProtocolException e) {
      assertThat(e.status()).isBetween(400, 499);
      assertThat(e.problems()).isNotEmpty();
      assertThat(e.toJson()).isNotBlank();
    }
  }
}
