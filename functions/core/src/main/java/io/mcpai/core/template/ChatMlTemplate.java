package io.mcpai.core.template;

import io.mcpai.core.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * ChatML, the generic role-tagged template ({@code <|im_start|>role\ncontent<|im_end|>\n} per
 * message, {@code <|im_start|>assistant\n} left open for the answer). It proves {@link
 * ChatTemplate} is not LLaMA-specific: the system prompt is a unit of its own here, not folded into
 * a turn.
 *
 * <p>Tokenization rule: {@code <|im_start|>} and {@code <|im_end|>} are placed by id (looked up
 * with {@link Tokenizer#specialTokenId}; a tokenizer without them is refused up front). Every text
 * span between two control tokens is encoded on its own with {@link Tokenizer#encode}, so the
 * tokenizer's own rules (a SentencePiece dummy-prefix space, for instance) apply to each span. A
 * message is thus {@code [im_start] + encode(role + "\n" + content) + [im_end] + encode("\n")}, and
 * the open answer {@code [im_start] + encode("assistant\n")}. Content is not stripped (ChatML
 * templates keep it verbatim). Text that merely spells {@code <|im_start|>} is still refused by
 * validation ({@link #reservedMarkers()}) so that the display prompt stays unambiguous.
 */
public final class ChatMlTemplate implements ChatTemplate {
  public static final String IM_START = "<|im_start|>";
  public static final String IM_END = "<|im_end|>";

  @Override
  public String name() {
    return "chatml";
  }

  @Override
  public List<String> reservedMarkers() {
    return List.of(IM_START, IM_END);
  }

  @Override
  public void requireSupport(Tokenizer tokenizer) {
    try {
      tokenizer.encodeWithoutDummyPrefix("user\n");
    } catch (UnsupportedOperationException e) {
      throw new IllegalArgumentException(
          "the chatml template needs encodeWithoutDummyPrefix, which tokenizer "
              + tokenizer.source()
              + " does not support",
          e);
    }
    for (String tag : reservedMarkers()) {
      if (tokenizer.specialTokenId(tag) < 0) {
        throw new IllegalArgumentException(
            "the chatml template needs the control token "
                + tag
                + " but tokenizer "
                + tokenizer.source()
                + " has no such piece");
      }
    }
  }

  @Override
  public Rendering render(Dialog dialog, int firstKept, SegmentEncoder encoder) {
    int n = dialog.pairs().size();
    if (firstKept < 0 || firstKept > n) {
      throw new IndexOutOfBoundsException("firstKept " + firstKept + " of " + n + " pairs");
    }
    Tokenizer t = encoder.tokenizer();
    List<Segment> out = new ArrayList<>(n - firstKept + 2);
    if (dialog.system() != null) {
      Builder b = new Builder(t, encoder);
      b.message("system", dialog.system());
      out.add(b.segment(Segment.Kind.SYSTEM, -1, true));
    }
    for (int i = firstKept; i < n; i++) {
      out.add(pair(dialog, i, encoder));
    }
    Builder b = new Builder(t, encoder);
    b.message("user", dialog.userInput());
    b.open("assistant");
    out.add(b.segment(Segment.Kind.INPUT, -1, false));
    return new Rendering(out);
  }

  @Override
  public Segment pair(Dialog dialog, int index, SegmentEncoder encoder) {
    Dialog.Pair p = dialog.pairs().get(index);
    Builder b = new Builder(encoder.tokenizer(), encoder);
    b.message("user", p.user());
    b.message("assistant", p.assistant());
    return b.segment(Segment.Kind.PAIR, index, false);
  }

  private static int id(Tokenizer t, String tag) {
    int id = t.specialTokenId(tag);
    if (id < 0) {
      throw new IllegalStateException("tokenizer " + t.source() + " has no " + tag);
    }
    return id;
  }

  /** Accumulates ids and display text for one segment. */
  private static final class Builder {
    private final SegmentEncoder encoder;
    private final int start;
    private final int end;
    private int[] ids = new int[64];
    private int size;
    private final StringBuilder text = new StringBuilder();

    Builder(Tokenizer t, SegmentEncoder encoder) {
      this.encoder = encoder;
      this.start = id(t, IM_START);
      this.end = id(t, IM_END);
    }

    void message(String role, String content) {
      add(start);
      addText(role + "\n" + content);
      add(end);
      addText("\n");
      text.append(IM_START).append(role).append('\n').append(content).append(IM_END).append('\n');
    }

    void open(String role) {
      add(start);
      addText(role + "\n");
      text.append(IM_START).append(role).append('\n');
    }

    private void add(int id) {
      if (size == ids.length) {
        ids = java.util.Arrays.copyOf(ids, size * 2);
      }
      ids[size++] = id;
    }

    private void addText(String s) {
      int[] enc = encoder.encodeContinuation(s);
      if (size + enc.length > ids.length) {
        ids = java.util.Arrays.copyOf(ids, Math.max(ids.length * 2, size + enc.length));
      }
      System.arraycopy(enc, 0, ids, size, enc.length);
      size += enc.length;
    }

    Segment segment(Segment.Kind kind, int pair, boolean system) {
      return new Segment(kind, pair, text.toString(), java.util.Arrays.copyOf(ids, size), system);
    }
  }
}
