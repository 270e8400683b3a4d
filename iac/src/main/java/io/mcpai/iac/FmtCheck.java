package io.mcpai.iac;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of {@code terraform fmt} that is cheap to check without terraform: no tabs, no trailing
 * blanks, indentation in steps of two spaces following the braces and brackets, and the {@code =}
 * of consecutive one-line attributes at one level aligned.
 */
final class FmtCheck {
  private FmtCheck() {}

  private static final Pattern ATTRIBUTE = Pattern.compile("^(\\s*)([\\w\"-]+)(\\s*)=(?!=)(.*)$");

  static List<Finding> check(String file, String text) {
    List<Finding> out = new ArrayList<>();
    if (text.contains("\r")) {
      out.add(
          new Finding(
              file, "(file)", "\\r", "carriage returns: terraform fmt writes LF line ends"));
    }
    if (!text.isEmpty() && !text.endsWith("\n")) {
      out.add(new Finding(file, "(file)", "end", "no newline at the end of the file"));
    }
    String[] lines = text.split("\n", -1);
    java.util.ArrayDeque<int[]> levels = new java.util.ArrayDeque<>();
    String heredoc = null;
    List<int[]> group = new ArrayList<>(); // {line index, column of '='}
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      String where = "line " + (i + 1);
      if (heredoc != null) {
        if (line.strip().equals(heredoc)) {
          heredoc = null;
        }
        continue;
      }
      if (line.contains("\t")) {
        out.add(new Finding(file, where, "\\t", "tab: indent with two spaces"));
      }
      if (!line.isEmpty() && Character.isWhitespace(line.charAt(line.length() - 1))) {
        out.add(new Finding(file, where, "trailing blank", "remove it"));
      }
      String code = stripComment(line).strip();
      int indent = line.length() - line.stripLeading().length();
      int opens = count(code, '{') + count(code, '[') + count(code, '(');
      int closes = count(code, '}') + count(code, ']') + count(code, ')');
      // hclwrite's rule: a line with more openers than closers is indented at the current level
      // and opens one level (however many brackets); a line with more closers closes levels first.
      int net = opens - closes;
      if (net < 0) {
        close(levels, -net);
      }
      if (!code.isEmpty()) {
        int expected = 2 * levels.size();
        if (indent != expected) {
          out.add(
              new Finding(
                  file,
                  where,
                  "indent " + indent,
                  "expected " + expected + " spaces (two per level)"));
        }
      }
      if (net > 0) {
        levels.push(new int[] {net});
      }
      Matcher a = ATTRIBUTE.matcher(line);
      boolean oneLine = a.matches() && opens == closes && !code.contains("<<");
      if (oneLine) {
        group.add(new int[] {i, line.indexOf('=', a.end(2))});
      } else {
        flush(file, group, lines, out);
        if (a.matches()) {
          group.add(
              new int[] {i, line.indexOf('=', a.end(2))}); // a value spanning lines ends a run
          flush(file, group, lines, out);
        }
      }
      Matcher h = Pattern.compile("<<-?([A-Z_]+)\\s*$").matcher(code);
      if (h.find()) {
        heredoc = h.group(1);
      }
    }
    flush(file, group, lines, out);
    return out;
  }

  private static void flush(String file, List<int[]> group, String[] lines, List<Finding> out) {
    if (group.size() > 1) {
      int want = 0;
      for (int[] g : group) {
        Matcher a = ATTRIBUTE.matcher(lines[g[0]]);
        a.matches();
        want = Math.max(want, a.end(2) + 1);
      }
      for (int[] g : group) {
        if (g[1] != want) {
          out.add(
              new Finding(
                  file,
                  "line " + (g[0] + 1),
                  lines[g[0]].strip(),
                  "'=' at column " + (g[1] + 1) + ", aligned block wants " + (want + 1)));
        }
      }
    }
    group.clear();
  }

  /** Closes {@code brackets} brackets, leaving each level once all its openers are closed. */
  private static void close(java.util.ArrayDeque<int[]> levels, int brackets) {
    while (brackets > 0 && !levels.isEmpty()) {
      int[] top = levels.peek();
      int n = Math.min(brackets, top[0]);
      top[0] -= n;
      brackets -= n;
      if (top[0] == 0) {
        levels.pop();
      }
    }
  }

  private static String stripComment(String line) {
    boolean inString = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"' && (i == 0 || line.charAt(i - 1) != '\\')) {
        inString = !inString;
      } else if (!inString
          && (c == '#' || (c == '/' && i + 1 < line.length() && line.charAt(i + 1) == '/'))) {
        return line.substring(0, i);
      }
    }
    return line;
  }

  private static int count(String s, char c) {
    int n = 0;
    boolean inString = false;
    for (int i = 0; i < s.length(); i++) {
      char x = s.charAt(i);
      if (x == '"' && (i == 0 || s.charAt(i - 1) != '\\')) {
        inString = !inString;
      } else if (!inString && x == c) {
        n++;
      }
    }
    return n;
  }
}
