package io.mcpai.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcpai.core.context.ContextFormatter;
import io.mcpai.core.context.FormattedContext;
import io.mcpai.core.context.ModelCatalog;
import org.junit.jupiter.api.Test;

/** Input lines: both formats reach core's validator as the same protocol request. */
class InputLineTest {
  static final ContextFormatter FORMATTER = new ContextFormatter(ModelCatalog.defaults());

  @Test
  void anOpenAiBatchLineBecomesTheProtocolRequestItMeans() {
    Prompt p =
        InputLine.parse(
            "{\"custom_id\":\"r1\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\","
                + "\"body\":{\"model\":\"llama-2-7b-chat\",\"messages\":["
                + "{\"role\":\"system\",\"content\":\"Be brief.\"},"
                + "{\"role\":\"user\",\"content\":\"Hi\"},"
                + "{\"role\":\"assistant\",\"content\":\"Hello!\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Capital of \"},"
                + "{\"type\":\"text\",\"text\":\"France?\"}]}],"
                + "\"max_completion_tokens\":9,\"temperature\":0.2,\"user\":\"u\"}}",
            "f:1");
    assertThat(p.format()).isEqualTo(Prompt.OPENAI);
    FormattedContext fc = FORMATTER.format(p.request().toString());
    FormattedContext same =
        FORMATTER.format(
            "{\"model\":\"llama-2-7b-chat\",\"system_prompt\":\"Be brief.\","
                + "\"conversation_history\":[{\"role\":\"user\",\"content\":\"Hi\"},"
                + "{\"role\":\"assistant\",\"content\":\"Hello!\"}],"
                + "\"user_input\":\"Capital of France?\","
                + "\"parameters\":{\"max_tokens\":9,\"temperature\":0.2}}");
    assertThat(fc.prompt()).isEqualTo(same.prompt());
    assertThat(fc.promptTokens()).isEqualTo(same.promptTokens());
    assertThat(fc.metadata().maxTokens()).isEqualTo(9);
  }

  @Test
  void envelopeProblemsNameTheFieldAndKeepTheId() {
    assertThatThrownBy(
            () -> InputLine.parse("{\"custom_id\":\"r2\",\"url\":\"/v1/embeddings\"}", "f:2"))
        .isInstanceOfSatisfying(
            InputLine.Invalid.class,
            e -> {
              assertThat(e.customId()).isEqualTo("r2");
              assertThat(e.problems().problems())
                  .anySatisfy(pr -> assertThat(pr.param()).isEqualTo("url"))
                  .anySatisfy(pr -> assertThat(pr.param()).isEqualTo("body"));
            });
    assertThatThrownBy(
            () ->
                InputLine.parse(
                    "{\"custom_id\":\"r3\",\"url\":\"/v1/chat/completions\",\"body\":"
                        + "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tools\":[]}}",
                    "f:3"))
        .hasMessageContaining("body.tools");
    assertThatThrownBy(() -> InputLine.parse("{\"user_input\":\"x\"}", "f:4"))
        .isInstanceOfSatisfying(InputLine.Invalid.class, e -> assertThat(e.customId()).isNull())
        .hasMessageContaining("custom_id");
    assertThatThrownBy(() -> InputLine.parse("[1]", "f:5")).hasMessageContaining("JSON object");
  }

  @Test
  void sourcesOrderByFileThenLineNumber() {
    assertThat(PrepareFn.compareSources("a.jsonl:9", "a.jsonl:10")).isNegative();
    assertThat(PrepareFn.compareSources("b.jsonl:1", "a.jsonl:10")).isPositive();
  }
}
