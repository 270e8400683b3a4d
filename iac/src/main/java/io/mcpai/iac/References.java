package io.mcpai.iac;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The references in hcl2json's output. hcl2json writes every expression as a template string
 * ({@code "${var.x}"}, {@code "arn:${data.aws_partition.p.partition}:..."}), so references are read
 * from the code inside {@code ${...}} and {@code %{...}}, with string literals blanked out (their
 * own templates are read in turn) so that text such as {@code "lambda.amazonaws.com"} is never
 * taken for one.
 */
final class References {
  private References() {}

  /**
   * A reference: {@code kind} is var, local, module, data or resource; {@code type} the resource or
   * data type (empty otherwise); {@code name} the variable, local, module or resource name; {@code
   * attr} the module output (empty otherwise).
   */
  record Ref(String kind, String type, String name, String attr) {
    String text() {
      return switch (kind) {
        case "var", "local" -> kind + "." + name;
        case "module" -> "module." + name + (attr.isEmpty() ? "" : "." + attr);
        case "data" -> "data." + type + "." + name;
        default -> type + "." + name;
      };
    }
  }

  private static final String ID = "[A-Za-z_][A-Za-z0-9_-]*";
  private static final Pattern VAR = Pattern.compile("(?<![\\w.])var\\.(" + ID + ")");
  private static final Pattern LOCAL = Pattern.compile("(?<![\\w.])local\\.(" + ID + ")");
  private static final Pattern MODULE =
      Pattern.compile("(?<![\\w.])module\\.(" + ID + ")(?:\\[[^\\]]*\\])?(?:\\.(" + ID + "))?");
  private static final Pattern DATA =
      Pattern.compile("(?<![\\w.])data\\.([a-z][a-z0-9]*_[a-z0-9_]+)\\.(" + ID + ")");
  private static final Pattern RESOURCE =
      Pattern.compile("(?<![\\w.])([a-z][a-z0-9]*)_([a-z0-9_]+)\\.(" + ID + ")");

  /** Every reference in every string under {@code node}; resource types by provider prefix. */
  static List<Ref> in(JsonNode node, Set<String> providerPrefixes) {
    List<String> code = new ArrayList<>();
    strings(node, code);
    List<Ref> refs = new ArrayList<>();
    for (String c : code) {
      add(refs, VAR.matcher(c), m -> new Ref("var", "", m.group(1), ""));
      add(refs, LOCAL.matcher(c), m -> new Ref("local", "", m.group(1), ""));
      add(
          refs,
          MODULE.matcher(c),
          m -> new Ref("module", "", m.group(1), m.group(2) == null ? "" : m.group(2)));
      add(refs, DATA.matcher(c), m -> new Ref("data", m.group(1), m.group(2), ""));
      Matcher r = RESOURCE.matcher(c);
      while (r.find()) {
        if (providerPrefixes.contains(r.group(1))) {
          refs.add(new Ref("resource", r.group(1) + "_" + r.group(2), r.group(3), ""));
        }
      }
    }
    return refs;
  }

  private static void add(
      List<Ref> refs, Matcher m, java.util.function.Function<Matcher, Ref> make) {
    while (m.find()) {
      refs.add(make.apply(m));
    }
  }

  /** The expression code of every string value under {@code node} (map keys are not read). */
  private static void strings(JsonNode node, List<String> code) {
    if (node == null) {
      return;
    }
    if (node.isTextual()) {
      template(node.asText(), code);
    } else if (node.isContainerNode()) {
      node.forEach(child -> strings(child, code));
    }
  }

  /** Collects the code inside each {@code ${...}} / {@code %{...}} of a template. */
  static void template(String s, List<String> code) {
    int i = 0;
    while (i < s.length() - 1) {
      char c = s.charAt(i);
      if ((c == '$' || c == '%')
          && s.charAt(i + 1) == c
          && i + 2 < s.length()
          && s.charAt(i + 2) == '{') {
        i += 3; // $${ and %%{ are escapes for a literal ${ and %{
      } else if ((c == '$' || c == '%') && s.charAt(i + 1) == '{') {
        int end = closingBrace(s, i + 1);
        expression(s.substring(i + 2, end), code);
        i = end + 1;
      } else {
        i++;
      }
    }
  }

  /** Blanks the string literals of an expression (reading their templates) and keeps the rest. */
  private static void expression(String e, List<String> code) {
    StringBuilder plain = new StringBuilder(e.length());
    int i = 0;
    while (i < e.length()) {
      char c = e.charAt(i);
      if (c == '"') {
        int end = stringEnd(e, i);
        template(e.substring(i + 1, Math.max(i + 1, end - 1)), code);
        plain.append("\"\"");
        i = end;
      } else {
        plain.append(c);
        i++;
      }
    }
    code.add(plain.toString());
  }

  /** The index of the brace closing the one at {@code open}, skipping strings. */
  private static int closingBrace(String s, int open) {
    int depth = 0;
    int i = open;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '"') {
        i = stringEnd(s, i);
        continue;
      }
      if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return i;
      }
      i++;
    }
    return s.length(); // unbalanced: hcl2json would have refused it; read to the end
  }

  /** The index just past the string literal opening at {@code quote}, templates included. */
  private static int stringEnd(String s, int quote) {
    int i = quote + 1;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '\\') {
        i += 2;
      } else if (c == '"') {
        return i + 1;
      } else if ((c == '$' || c == '%') && i + 1 < s.length() && s.charAt(i + 1) == '{') {
        i = closingBrace(s, i + 1) + 1;
      } else {
        i++;
      }
    }
    return s.length();
  }
}
