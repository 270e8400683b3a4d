package io.mcpai.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mcpai.core.context.ContextFormatter;
import io.mcpai.core.context.ModelCatalog;
import io.mcpai.core.protocol.ProtocolException;
import io.mcpai.core.tokenizer.TokenizerLoader;
import java.nio.charset.StandardCharsets;

/**
 * Hostile bodies against the OpenAI chat reader and the protocol validation it feeds (what {@code
 * Gateway.chat} does before routing): only our {@link ProtocolException}, 4xx, may come out, and
 * its params are renamed into the OpenAI request's paths. Regression mode (default) runs the seeds
 * in {@code OpenAiChatFuzzTestInputs/}; fuzz for real with {@code JAZZER_FUZZ=1 ./mvnw -o -pl
 * functions/app test -Dtest=OpenAiChatFuzzTest}.
 */
class OpenAiChatFuzzTest {
  static final ContextFormatter FORMATTER =
      new ContextFormatter(
          ModelCatalog.standard(TokenizerLoader.embedded(), TokenizerLoader.embedded()));

  @FuzzTest(maxDuration = "2m")
  void parsesOrRefuses(byte[] bytes) {
    OpenAiChat.Parsed p;
    try {
      p = OpenAiChat.parse(new String(bytes, StandardCharsets.UTF_8));
    } catch (ProtocolException e) {
      assertThat(e.status()).isBetween(400, 499);
      return;
    }
    assertThat(p.model()).isNotBlank();
    if (FORMATTER.catalog().profile(p.model()) == null) {
      return; // answered 404 by the gateway
    }
    try {
      assertThat(FORMATTER.format(FORMATTER.parser().parse(p.protocol())).promptTokens())
          .isPositive();
    } catch (ProtocolException e) {
      ProtocolException renamed = OpenAiChat.renamed(e, p.paths());
      assertThat(renamed.status()).isBetween(400, 499);
      renamed
          .problems()
          .forEach(
              x ->
                  assertThat(x.param() == null || !x.param().startsWith("conversation_history"))
                      .isTrue());
    }
  }
}
