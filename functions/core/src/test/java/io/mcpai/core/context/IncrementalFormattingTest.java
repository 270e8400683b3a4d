package io.mcpai.core.context;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpai.core.protocol.ChatMessage;
import io.mcpai.core.protocol.ChatRequest;
import io.mcpai.core.protocol.Parameters;
import io.mcpai.core.template.ChatMlTemplate;
import io.mcpai.core.template.CountingTokenizer;
import io.mcpai.core.template.Llama2ChatTemplate;
import io.mcpai.core.template.TestTokenizers;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A conversation that grew by one turn only tokenizes the new turn: counted, not assumed. */
class IncrementalFormattingTest {
  private static String turn(String who, int i) {
    return who + " turn " + i + ": " + "some words about the topic ".repeat(1 + i % 4) + "ok.";
  }

  private static ChatRequest conversation(int pairs, int maxTokens, String model) {
    List<ChatMessage> h = new ArrayList<>();
    for (int i = 0; i < pairs; i++) {
      h.add(ChatMessage.user(turn("user", i)));
      h.add(ChatMessage.assistant(turn("assistant", i)));
    }
    return new ChatRequest(
        "You are a helpful assistant.",
        h,
        turn("user", pairs),
        model,
        null,
        null,
        Parameters.defaults().withMaxTokens(maxTokens));
  }

  private static ContextFormatter formatter(CountingTokenizer counting, int window) {
    ContextFormatter f =
        new ContextFormatter(
            ModelCatalog.builder()
                .add("llama", window, new Llama2ChatTemplate(), counting)
                .add("chatml", window, new ChatMlTemplate(), counting)
                .build("llama"));
    counting.reset(); // ChatMlTemplate.requireSupport probes the tokenizer once
    return f;
  }

  @Test
  void llama2GrowingByOneTurnTokenizesOnlyTheNewPairAndTheNewInput() {
    CountingTokenizer counting = new CountingTokenizer(TestTokenizers.embedded());
    ContextFormatter f = formatter(counting, 100_000);
    FormattedContext before = f.format(conversation(10, 100, "llama"));
    assertThat(counting.calls()).isEqualTo(11); // 10 pairs + the input, once each
    assertThat(before.dropped()).isEmpty();

    counting.reset();
    FormattedContext after = f.format(conversation(11, 100, "llama"));
    assertThat(counting.encoded())
        .containsExactly(
            "[INST] " + turn("user", 10) + " [/INST] " + turn("assistant", 10) + " ",
            "[INST] " + turn("user", 11) + " [/INST]");
    // Same result as a cold formatter: the cache changes cost, never ids.
    CountingTokenizer cold = new CountingTokenizer(TestTokenizers.embedded());
    FormattedContext fresh =
        formatter(cold, 100_000)
            .format(
                conversation(11, 100, "llama")
                    .withParameters(
                        Parameters.defaults().withMaxTokens(100).withReturnTokenIds(true)));
    assertThat(cold.calls()).isEqualTo(12);
    assertThat(fresh.promptTokens()).isEqualTo(after.promptTokens());
    assertThat(fresh.prompt()).isEqualTo(after.prompt());
  }

  @Test
  void chatMlGrowingByOneTurnTokenizesOnlyTheNewMessages() {
    CountingTokenizer counting = new CountingTokenizer(TestTokenizers.embedded());
    ContextFormatter f = formatter(counting, 100_000);
    f.format(conversation(6, 100, "chatml"));
    counting.reset();
    f.format(conversation(7, 100, "chatml"));
    // The previous input's span "user\n..." is the same string inside the new pair: a cache hit.
    assertThat(counting.encoded())
        .containsExactly("assistant\n" + turn("assistant", 6), "user\n" + turn("user", 7));
  }

  @Test
  void underWindowPressureOnlyNewContentAndTheMovedSystemBlockAreTokenized() {
    CountingTokenizer counting = new CountingTokenizer(TestTokenizers.embedded());
    ContextFormatter f = formatter(counting, 1024);
    f.format(conversation(3, 256, "llama"));
    int droppedSoFar = 0;
    for (int pairs = 4; pairs < 40; pairs++) {
      counting.reset();
      FormattedContext ctx = f.format(conversation(pairs, 256, "llama"));
      assertThat(ctx.budget().used()).isLessThanOrEqualTo(1024 - 256);
      for (String s : counting.encoded()) {
        boolean newContent = s.contains(turn("user", pairs)) || s.contains(turn("user", pairs - 1));
        // The system block moves to the new first kept pair: that string is new.
        boolean movedSystem = s.startsWith("[INST] <<SYS>>");
        // Reporting the first dropped pair's own cost needs it without the system block, once.
        boolean firstPairAlone = droppedSoFar == 0 && s.startsWith("[INST] " + turn("user", 0));
        assertThat(newContent || movedSystem || firstPairAlone)
            .as("re-tokenized an old turn: %s", s)
            .isTrue();
      }
      assertThat(counting.calls()).isLessThanOrEqualTo(5);
      droppedSoFar = ctx.dropped().size();
    }
    assertThat(droppedSoFar).isGreaterThan(10);
  }
}
