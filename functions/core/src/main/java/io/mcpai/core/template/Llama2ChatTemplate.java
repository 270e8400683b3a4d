package io.mcpai.core.template;

import static io.mcpai.core.template.PythonWhitespace.strip;

import io.mcpai.core.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * LLaMA-2-chat exactly as Meta's reference {@code Llama.chat_completion} builds it
 * (facebookresearch/llama, {@code llama/generation.py}):
 *
 * <pre>{@code
 * if dialog[0].role == "system":
 *     dialog = [{role: dialog[1].role, content: B_SYS + dialog[0].content + E_SYS + dialog[1].content}] + dialog[2:]
 * tokens  = sum(encode(f"{B_INST} {prompt.content.strip()} {E_INST} {answer.content.strip()} ", bos=True, eos=True)
 *               for prompt, answer in pairs)
 * tokens += encode(f"{B_INST} {last.content.strip()} {E_INST}", bos=True, eos=False)
 * }</pre>
 *
 * <p>with {@code B_INST="[INST]"}, {@code E_INST="[/INST]"}, {@code B_SYS="<<SYS>>\n"}, {@code
 * E_SYS="\n<</SYS>>\n\n"}, and {@code strip} being Python's. Each pair is one segment encoded from
 * exactly that string; BOS/EOS are added by id. The system block lives inside the first kept user
 * turn, so when the window drops old pairs it moves to the first pair that remains (or to the final
 * input): exactly what Meta's code produces for the fitted dialog. Note that the system text itself
 * is not stripped (Meta strips the combined content, whose ends are {@code <<SYS>>} and the user
 * text).
 */
public final class Llama2ChatTemplate implements ChatTemplate {
  public static final String B_INST = "[INST]";
  public static final String E_INST = "[/INST]";
  public static final String B_SYS = "<<SYS>>\n";
  public static final String E_SYS = "\n<</SYS>>\n\n";

  /** Meta's {@code SPECIAL_TAGS}: content containing any of them is refused. */
  public static final List<String> SPECIAL_TAGS = List.of(B_INST, E_INST, "<<SYS>>", "<</SYS>>");

  @Override
  public String name() {
    return "llama-2-chat";
  }

  @Override
  public List<String> reservedMarkers() {
    return SPECIAL_TAGS;
  }

  @Override
  public void requireSupport(Tokenizer tokenizer) {
    if (tokenizer.bosId() < 0 || tokenizer.eosId() < 0) {
      throw new IllegalArgumentException(
          "the llama-2-chat template needs BOS and EOS ids; tokenizer "
              + tokenizer.source()
              + " has bos="
              + tokenizer.bosId()
              + " eos="
              + tokenizer.eosId());
    }
  }

  @Override
  public Rendering render(Dialog dialog, int firstKept, SegmentEncoder encoder) {
    int n = dialog.pairs().size();
    if (firstKept < 0 || firstKept > n) {
      throw new IndexOutOfBoundsException("firstKept " + firstKept + " of " + n + " pairs");
    }
    List<Segment> out = new ArrayList<>(n - firstKept + 1);
    for (int i = firstKept; i < n; i++) {
      out.add(pairSegment(dialog, i, i == firstKept && dialog.system() != null, encoder));
    }
    boolean sysInInput = firstKept == n && dialog.system() != null;
    String user = sysInInput ? withSystem(dialog.system(), dialog.userInput()) : dialog.userInput();
    String text = B_INST + " " + strip(user) + " " + E_INST;
    int[] body = encoder.encode(text);
    int[] ids = new int[body.length + 1];
    ids[0] = encoder.tokenizer().bosId();
    System.arraycopy(body, 0, ids, 1, body.length);
    out.add(new Segment(Segment.Kind.INPUT, -1, "<s>" + text, ids, sysInInput));
    return new Rendering(out);
  }

  @Override
  public Segment pair(Dialog dialog, int index, SegmentEncoder encoder) {
    return pairSegment(dialog, index, false, encoder);
  }

  private static Segment pairSegment(
      Dialog dialog, int index, boolean withSystem, SegmentEncoder encoder) {
    Dialog.Pair p = dialog.pairs().get(index);
    String user = withSystem ? withSystem(dialog.system(), p.user()) : p.user();
    String text = B_INST + " " + strip(user) + " " + E_INST + " " + strip(p.assistant()) + " ";
    int[] body = encoder.encode(text);
    int[] ids = new int[body.length + 2];
    ids[0] = encoder.tokenizer().bosId();
    System.arraycopy(body, 0, ids, 1, body.length);
    ids[ids.length - 1] = encoder.tokenizer().eosId();
    return new Segment(Segment.Kind.PAIR, index, "<s>" + text + "</s>", ids, withSystem);
  }

  private static String withSystem(String system, String user) {
    return B_SYS + system + E_SYS + user;
  }
}
