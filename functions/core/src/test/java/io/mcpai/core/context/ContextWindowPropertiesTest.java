package io.mcpai.core.context;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpai.core.protocol.Overflow;
import io.mcpai.core.protocol.ProtocolException;
import io.mcpai.core.template.ChatMlTemplate;
import io.mcpai.core.template.ChatTemplate;
import io.mcpai.core.template.Dialog;
import io.mcpai.core.template.Llama2ChatTemplate;
import io.mcpai.core.template.Llama2ChatTemplateTest;
import io.mcpai.core.template.MetaReference;
import io.mcpai.core.template.SegmentEncoder;
import io.mcpai.core.template.TestTokenizers;
import io.mcpai.core.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * For random conversations and budgets the fit always fits, keeps system + latest input, drops
 * whole pairs oldest first and no more than needed, and its ids equal an independent reference
 * computed on the fitted dialog. Runs on the embedded tokenizer, so it needs nothing but the JDK.
 */
class ContextWindowPropertiesTest {
  private final Tokenizer t = TestTokenizers.embedded();

  static final List<String> WORDS =
      List.of(
          "the",
          "cat",
          "sat",
          "on",
          "a",
          "mat",
          "Über",
          "naïve",
          "données",
          "日本語",
          "中文",
          "🎉",
          "🙂🙂",
          "x=1;",
          "def",
          "f(x):",
          "hello",
          "world",
          "42",
          "—",
          "end.",
          "e\u0301",
          "\ttab",
          "new\nline");

  @Provide
  Arbitrary<String> text() {
    return Arbitraries.of(WORDS).list().ofMinSize(1).ofMaxSize(40).map(w -> String.join(" ", w));
  }

  @Provide
  Arbitrary<Dialog> dialogs() {
    Arbitrary<String> system = Arbitraries.oneOf(text(), Arbitraries.just(null));
    Arbitrary<List<Dialog.Pair>> pairs =
        Combinators.combine(text(), text())
            .as((u, a) -> new String[] {u, a})
            .list()
            .ofMaxSize(12)
            .map(
                list -> {
                  List<Dialog.Pair> out = new ArrayList<>();
                  for (int i = 0; i < list.size(); i++) {
                    out.add(new Dialog.Pair(2 * i, list.get(i)[0], list.get(i)[1]));
                  }
                  return out;
                });
    return Combinators.combine(system, pairs, text()).as(Dialog::new);
  }

  /** Independent ChatML reference on the kept messages. */
  private List<Integer> chatMlReference(Dialog d, int firstKept) {
    int start = t.specialTokenId("<|im_start|>");
    int end = t.specialTokenId("<|im_end|>");
    List<String[]> msgs = new ArrayList<>();
    if (d.system() != null) {
      msgs.add(new String[] {"system", d.system()});
    }
    for (Dialog.Pair p : d.pairs().subList(firstKept, d.pairs().size())) {
      msgs.add(new String[] {"user", p.user()});
      msgs.add(new String[] {"assistant", p.assistant()});
    }
    msgs.add(new String[] {"user", d.userInput()});
    List<Integer> ids = new ArrayList<>();
    for (String[] m : msgs) {
      ids.add(start);
      Arrays.stream(t.encodeWithoutDummyPrefix(m[0] + "\n" + m[1])).forEach(ids::add);
      ids.add(end);
      Arrays.stream(t.encodeWithoutDummyPrefix("\n")).forEach(ids::add);
    }
    ids.add(start);
    Arrays.stream(t.encodeWithoutDummyPrefix("assistant\n")).forEach(ids::add);
    return ids;
  }

  private List<Integer> reference(ChatTemplate template, Dialog d, int firstKept) {
    return template instanceof Llama2ChatTemplate
        ? MetaReference.chatCompletionTokens(
            Llama2ChatTemplateTest.metaDialog(d, firstKept), t::encode)
        : chatMlReference(d, firstKept);
  }

  @Property(tries = 120)
  void llama2FitIsExactMinimalAndWhole(
      @ForAll("dialogs") Dialog d,
      @ForAll @IntRange(min = 32, max = 1500) int window,
      @ForAll @DoubleRange(min = 0.0, max = 0.9) double share) {
    check(new Llama2ChatTemplate(), d, window, share);
    coverage();
  }

  /** The generators must exercise every branch, or the property proves little. */
  private static void coverage() {
    Statistics.coverage(
        c -> {
          c.check("fits whole").percentage(p -> p > 5);
          c.check("drops pairs").percentage(p -> p > 5);
          c.check("413").percentage(p -> p > 2);
        });
  }

  @Property(tries = 80)
  void chatMlFitIsExactMinimalAndWhole(
      @ForAll("dialogs") Dialog d,
      @ForAll @IntRange(min = 32, max = 1500) int window,
      @ForAll @DoubleRange(min = 0.0, max = 0.9) double share) {
    check(new ChatMlTemplate(), d, window, share);
    coverage();
  }

  private void check(ChatTemplate template, Dialog d, int window, double share) {
    int reserved = Math.max(1, (int) (window * share));
    int available = window - reserved;
    int n = d.pairs().size();
    SegmentEncoder enc = new SegmentEncoder(t);
    Fit fit;
    try {
      fit = ContextWindow.fit(template, d, enc, window, reserved, Overflow.ERROR);
    } catch (ProtocolException e) {
      // Only legitimate when system + latest input alone exceed the budget.
      assertThat(e.status()).isEqualTo(413);
      assertThat(e.type()).isEqualTo("context_length_exceeded");
      assertThat(reference(template, d, n).size()).isGreaterThan(available);
      assertThat(e.problems().get(0).limit()).isEqualTo(available);
      assertThat(e.getMessage()).contains("window is " + window).contains(reserved + " reserved");
      Statistics.collect("413");
      return;
    }
    int k = fit.firstKept();
    Statistics.collect(k == 0 ? "fits whole" : "drops pairs");
    List<Integer> expected = reference(template, d, k);
    // Exact: the ids are what the reference produces for the fitted dialog.
    assertThat(Arrays.stream(fit.rendering().ids()).boxed().toList()).isEqualTo(expected);
    assertThat(fit.budget().used()).isEqualTo(expected.size());
    // Fits.
    assertThat(fit.budget().used()).isLessThanOrEqualTo(available);
    assertThat(fit.budget().availableForPrompt()).isEqualTo(available);
    // Minimal: keeping one more (older) pair would not fit.
    if (k > 0) {
      assertThat(reference(template, d, k - 1).size()).isGreaterThan(available);
    }
    // Oldest whole pairs, in order; system and input untouched.
    assertThat(fit.dropped())
        .extracting(Dropped::index)
        .containsExactlyElementsOf(
            d.pairs().subList(0, k).stream().map(Dialog.Pair::historyIndex).toList());
    assertThat(fit.dropped())
        .allSatisfy(
            x -> {
              assertThat(x.roles()).containsExactly("user", "assistant");
              assertThat(x.reason()).isEqualTo("context_window");
              assertThat(x.tokens()).isPositive();
            });
    assertThat(fit.dialog()).isEqualTo(d);
    assertThat(fit.truncation()).isNull();
    assertThat(fit.rendering().prompt())
        .endsWith(template instanceof Llama2ChatTemplate ? " [/INST]" : "<|im_start|>assistant\n");
    if (d.system() != null) {
      assertThat(fit.rendering().prompt()).contains(d.system());
    }
  }

  @Provide
  Arbitrary<String> longText() {
    return Arbitraries.of(WORDS).list().ofMinSize(150).ofMaxSize(500).map(w -> String.join(" ", w));
  }

  @Property(tries = 40)
  void truncateMiddleFitsKeepsBothEndsAndMarksTheCut(
      @ForAll("longText") String input,
      @ForAll @IntRange(min = 120, max = 400) int window,
      @ForAll boolean llama,
      @ForAll boolean withSystem) {
    ChatTemplate template = llama ? new Llama2ChatTemplate() : new ChatMlTemplate();
    Dialog d =
        new Dialog(
            withSystem ? "Be brief." : null, List.of(new Dialog.Pair(0, "hello", "world")), input);
    int reserved = 16;
    SegmentEncoder enc = new SegmentEncoder(t);
    if (reference(template, d, 1).size() <= window - reserved) {
      return; // fits whole: nothing to truncate
    }
    Fit fit = ContextWindow.fit(template, d, enc, window, reserved, Overflow.TRUNCATE_MIDDLE);
    assertThat(fit.budget().used()).isLessThanOrEqualTo(window - reserved);
    assertThat(fit.firstKept()).isEqualTo(1);
    assertThat(fit.dropped()).hasSize(1);
    Truncation cut = fit.truncation();
    assertThat(cut).isNotNull();
    assertThat(cut.param()).isEqualTo("user_input");
    assertThat(cut.originalTokens()).isEqualTo(t.encode(input).length);
    assertThat(cut.removedTokens()).isPositive().isLessThan(cut.originalTokens());
    String text = fit.dialog().userInput();
    int at = text.indexOf(cut.marker());
    assertThat(at).as("marker in %s", text).isGreaterThanOrEqualTo(0);
    assertThat(cut.marker()).contains("[truncated " + cut.removedTokens() + " tokens]");
    assertThat(input).startsWith(text.substring(0, at));
    assertThat(input).endsWith(text.substring(at + cut.marker().length()));
    // Still exact for what is sent: the reference on the cut dialog gives the same ids.
    assertThat(Arrays.stream(fit.rendering().ids()).boxed().toList())
        .isEqualTo(reference(template, fit.dialog(), 1));
  }
}
