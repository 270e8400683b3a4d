package io.mcpai.core.template;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpai.core.template.MetaReference.Msg;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** LLaMA 2 chat ids equal Meta's algorithm run with Google's SentencePiece on the exact strings. */
public class Llama2ChatTemplateTest {
  private final Llama2ChatTemplate template = new Llama2ChatTemplate();

  static Dialog dialog(String system, String userInput, String... turns) {
    List<Dialog.Pair> pairs = new ArrayList<>();
    for (int i = 0; i < turns.length; i += 2) {
      pairs.add(new Dialog.Pair(i, turns[i], turns[i + 1]));
    }
    return new Dialog(system, pairs, userInput);
  }

  public static List<Msg> metaDialog(Dialog d, int firstKept) {
    List<Msg> msgs = new ArrayList<>();
    if (d.system() != null) {
      msgs.add(new Msg("system", d.system()));
    }
    for (Dialog.Pair p : d.pairs().subList(firstKept, d.pairs().size())) {
      msgs.add(new Msg("user", p.user()));
      msgs.add(new Msg("assistant", p.assistant()));
    }
    msgs.add(new Msg("user", d.userInput()));
    return msgs;
  }

  private static List<Integer> boxed(int[] ids) {
    return Arrays.stream(ids).boxed().toList();
  }

  private void assertMatchesMeta(io.mcpai.core.tokenizer.Tokenizer sp, Dialog d) {
    assertMatchesMeta(sp, sp::encode, d);
  }

  /** Template on {@code ours}, Meta's algorithm on {@code reference}, for every fitted suffix. */
  private void assertMatchesMeta(
      io.mcpai.core.tokenizer.Tokenizer ours,
      java.util.function.Function<String, int[]> reference,
      Dialog d) {
    SegmentEncoder enc = new SegmentEncoder(ours);
    for (int k = 0; k <= d.pairs().size(); k++) {
      Rendering r = template.render(d, k, enc);
      assertThat(boxed(r.ids()))
          .as("dialog %s keeping pairs from %d", d, k)
          .isEqualTo(MetaReference.chatCompletionTokens(metaDialog(d, k), reference));
      assertThat(r.tokenCount()).isEqualTo(r.ids().length);
    }
  }

  static final Dialog WITH_SYSTEM =
      dialog(
          "Always answer with emojis 🎉 and be concise.",
          "And the Eiffel tower?  ",
          "How tall is Mont Blanc?",
          "About 4,806 m — Europe's highest in the Alps.",
          "  En français, s'il vous plaît.\n",
          "Environ 4 806 mètres.",
          "日本語でも？",
          "約4,806メートルです。");

  static final Dialog WITHOUT_SYSTEM =
      dialog(
          null,
          "def f(x):\n    return x  *  2\n\t# why?",
          "Write hello world in Python",
          "```python\nprint('hello world')\n```",
          "Thanks!",
          "You're welcome.");

  @Test
  void multiTurnWithSystemPromptMatchesMetaForEveryFittedSuffix() {
    assertMatchesMeta(OracleTokenizer.llama2(), WITH_SYSTEM);
    // And our own Java tokenizer under the template against Google's under the reference.
    assertMatchesMeta(TestTokenizers.llama2(), OracleTokenizer.llama2()::encode, WITH_SYSTEM);
  }

  /** The template is Meta's algorithm whatever the tokenizer: checked without ../shared too. */
  @Test
  void embeddedTokenizerMatchesMetaToo() {
    io.mcpai.core.tokenizer.Tokenizer t = TestTokenizers.embedded();
    assertMatchesMeta(t, WITH_SYSTEM);
    assertMatchesMeta(t, WITHOUT_SYSTEM);
    assertMatchesMeta(t, dialog("  Be terse.  ", "\u00A0Hi there\u202F"));
  }

  @Test
  void multiTurnWithoutSystemPromptMatchesMeta() {
    assertMatchesMeta(OracleTokenizer.llama2(), WITHOUT_SYSTEM);
    assertMatchesMeta(TestTokenizers.llama2(), OracleTokenizer.llama2()::encode, WITHOUT_SYSTEM);
  }

  @Test
  void systemOnlyWithInputAndStripSemanticsMatchMeta() {
    OracleTokenizer sp = OracleTokenizer.llama2();
    // Meta strips the merged content, not the system text; and strips with Python's whitespace
    // (U+00A0 and U+202F included, which Java's String.strip keeps).
    assertMatchesMeta(sp, dialog("  Be terse.  ", "\u00A0Hi there\u202F"));
    assertMatchesMeta(sp, dialog(null, "Hello world"));
  }

  @Test
  void handCheckedAnchors() {
    OracleTokenizer sp = OracleTokenizer.llama2();
    SegmentEncoder enc = new SegmentEncoder(sp);
    Dialog d = dialog("Sys", "Bye", "Hi", "Hey", "Hello world", "Fine");
    Rendering r = template.render(d, 0, enc);
    int[] ids = r.ids();
    // "<s>[INST]" is BOS then ▁[ INST ] (518, 25580, 29962); "[/INST]" is ▁[ / INST ].
    assertThat(Arrays.copyOf(ids, 4)).containsExactly(1, 518, 25580, 29962);
    assertThat(r.segments()).hasSize(3);
    Segment first = r.segments().get(0);
    assertThat(first.carriesSystem()).isTrue();
    assertThat(first.ids()[0]).isEqualTo(1);
    assertThat(first.ids()[first.ids().length - 1]).isEqualTo(2);
    Segment second = r.segments().get(1);
    // Plain pair: BOS [INST] Hello world [/INST] Fine EOS, "▁Hello ▁world" being 15043, 3186.
    assertThat(second.ids()[0]).isEqualTo(1);
    assertThat(second.ids()[second.ids().length - 1]).isEqualTo(2);
    assertThat(boxed(second.ids())).containsSubsequence(1, 518, 25580, 29962, 15043, 3186, 518);
    // E_SYS ends in "\n\n": two <0x0A> byte pieces (13), then the user text with no space.
    assertThat(boxed(first.ids())).containsSubsequence(13, 13);
    int[] eInst = sp.encode("[/INST]");
    assertThat(eInst).containsExactly(518, 29914, 25580, 29962);
    Segment last = r.segments().get(2);
    assertThat(last.ids()[0]).isEqualTo(1);
    assertThat(Arrays.copyOfRange(last.ids(), last.ids().length - 4, last.ids().length))
        .containsExactly(eInst);
    assertThat(boxed(ids).stream().filter(i -> i == 1).count()).isEqualTo(3);
    assertThat(boxed(ids).stream().filter(i -> i == 2).count()).isEqualTo(2);
    assertThat(r.prompt())
        .isEqualTo(
            "<s>[INST] <<SYS>>\nSys\n<</SYS>>\n\nHi [/INST] Hey </s>"
                + "<s>[INST] Hello world [/INST] Fine </s><s>[INST] Bye [/INST]");
  }

  @Test
  void droppingTheFirstPairMovesTheSystemBlockToTheFirstKeptPair() {
    OracleTokenizer sp = OracleTokenizer.llama2();
    Dialog d = dialog("Sys", "Q3", "Q1", "A1", "Q2", "A2");
    Rendering r = template.render(d, 1, new SegmentEncoder(sp));
    assertThat(r.prompt())
        .isEqualTo("<s>[INST] <<SYS>>\nSys\n<</SYS>>\n\nQ2 [/INST] A2 </s><s>[INST] Q3 [/INST]");
    Rendering none = template.render(d, 2, new SegmentEncoder(sp));
    assertThat(none.prompt()).isEqualTo("<s>[INST] <<SYS>>\nSys\n<</SYS>>\n\nQ3 [/INST]");
    assertThat(none.segments().get(0).carriesSystem()).isTrue();
  }
}
