package io.mcpai.core.template;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Meta's {@code Llama.chat_completion} prompt building (llama/generation.py), transcribed line by
 * line on plain strings and an encode function, independently of {@link Llama2ChatTemplate}: the
 * reference the template's ids are compared with.
 */
public final class MetaReference {
  private MetaReference() {}

  public record Msg(String role, String content) {}

  // CPython's str.isspace() set, written out independently of PythonWhitespace.
  private static final Pattern LEAD =
      Pattern.compile(
          "^[\\t\\n\\x0B\\f\\r\\x1C-\\x1F \\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]+");
  private static final Pattern TRAIL =
      Pattern.compile(
          "[\\t\\n\\x0B\\f\\r\\x1C-\\x1F \\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]+$");

  public static String pyStrip(String s) {
    return TRAIL.matcher(LEAD.matcher(s).replaceFirst("")).replaceFirst("");
  }

  public static List<Integer> chatCompletionTokens(
      List<Msg> dialog, Function<String, int[]> encode) {
    String bInst = "[INST]";
    String eInst = "[/INST]";
    String bSys = "<<SYS>>\n";
    String eSys = "\n<</SYS>>\n\n";
    List<Msg> d = new ArrayList<>(dialog);
    if (d.get(0).role().equals("system")) {
      Msg merged = new Msg(d.get(1).role(), bSys + d.get(0).content() + eSys + d.get(1).content());
      List<Msg> rest = new ArrayList<>(d.subList(2, d.size()));
      d = new ArrayList<>();
      d.add(merged);
      d.addAll(rest);
    }
    for (int i = 0; i < d.size(); i++) {
      String want = i % 2 == 0 ? "user" : "assistant";
      if (!d.get(i).role().equals(want)) {
        throw new IllegalArgumentException("model only supports 'system', 'user' and 'assistant'");
      }
    }
    List<Integer> tokens = new ArrayList<>();
    for (int i = 0; i + 1 < d.size(); i += 2) {
      Msg prompt = d.get(i);
      Msg answer = d.get(i + 1);
      String s =
          bInst
              + " "
              + pyStrip(prompt.content())
              + " "
              + eInst
              + " "
              + pyStrip(answer.content())
              + " ";
      tokens.add(1);
      for (int id : encode.apply(s)) {
        tokens.add(id);
      }
      tokens.add(2);
    }
    Msg last = d.get(d.size() - 1);
    if (!last.role().equals("user")) {
      throw new IllegalArgumentException("last message must be from user");
    }
    tokens.add(1);
    for (int id : encode.apply(bInst + " " + pyStrip(last.content()) + " " + eInst)) {
      tokens.add(id);
    }
    return tokens;
  }
}
