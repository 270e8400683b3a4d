package io.mcpai.core.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcpai.core.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChatMlTemplateTest {
  private final ChatMlTemplate template = new ChatMlTemplate();
  private final Tokenizer t = TestTokenizers.embedded();

  private List<Integer> message(String role, String content) {
    List<Integer> out = new ArrayList<>();
    out.add(t.specialTokenId("<|im_start|>"));
    Arrays.stream(t.encodeWithoutDummyPrefix(role + "\n" + content)).forEach(out::add);
    out.add(t.specialTokenId("<|im_end|>"));
    Arrays.stream(t.encodeWithoutDummyPrefix("\n")).forEach(out::add);
    return out;
  }

  @Test
  void controlTokensByIdAndEachSpanEncodedOnItsOwn() {
    Dialog d =
        new Dialog(
            "Be brief.",
            List.of(new Dialog.Pair(0, "Hi", "Hello! 👋"), new Dialog.Pair(2, "Ça va ?", "Oui.")),
            "Bye");
    Rendering r = template.render(d, 0, new SegmentEncoder(t));

    List<Integer> expected = new ArrayList<>();
    expected.addAll(message("system", "Be brief."));
    expected.addAll(message("user", "Hi"));
    expected.addAll(message("assistant", "Hello! 👋"));
    expected.addAll(message("user", "Ça va ?"));
    expected.addAll(message("assistant", "Oui."));
    expected.addAll(message("user", "Bye"));
    expected.add(t.specialTokenId("<|im_start|>"));
    Arrays.stream(t.encodeWithoutDummyPrefix("assistant\n")).forEach(expected::add);
    assertThat(Arrays.stream(r.ids()).boxed().toList()).isEqualTo(expected);

    // Hand-checked anchors: the embedded vocabulary puts the two control pieces at 1022/1023.
    int[] ids = r.ids();
    assertThat(ids[0]).isEqualTo(1022);
    assertThat(Arrays.stream(ids).filter(i -> i == 1022).count()).isEqualTo(7);
    assertThat(Arrays.stream(ids).filter(i -> i == 1023).count()).isEqualTo(6);
    assertThat(r.segments())
        .extracting(Segment::kind)
        .containsExactly(
            Segment.Kind.SYSTEM, Segment.Kind.PAIR, Segment.Kind.PAIR, Segment.Kind.INPUT);
    assertThat(r.prompt())
        .isEqualTo(
            "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
                + "<|im_start|>assistant\nHello! 👋<|im_end|>\n<|im_start|>user\nÇa va ?<|im_end|>\n"
                + "<|im_start|>assistant\nOui.<|im_end|>\n<|im_start|>user\nBye<|im_end|>\n"
                + "<|im_start|>assistant\n");
  }

  @Test
  void theSystemStaysItsOwnSegmentWhenPairsAreDropped() {
    Dialog d = new Dialog("S", List.of(new Dialog.Pair(0, "a", "b")), "c");
    Rendering r = template.render(d, 1, new SegmentEncoder(t));
    assertThat(r.prompt())
        .isEqualTo(
            "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nc<|im_end|>\n<|im_start|>assistant\n");
  }

  @Test
  void textSpellingAControlTagNeverBecomesTheControlToken() {
    assertThat(t.encodeWithoutDummyPrefix("<|im_start|>")).doesNotContain(1022, 1023);
  }

  @Test
  void aTokenizerWithoutTheControlPiecesIsRefusedClearly() {
    Tokenizer plain =
        new CountingTokenizer(t) {
          @Override
          public int specialTokenId(String token) {
            return -1;
          }
        };
    assertThatThrownBy(() -> template.requireSupport(plain))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("<|im_start|>")
        .hasMessageContaining("has no such piece");
  }
}
