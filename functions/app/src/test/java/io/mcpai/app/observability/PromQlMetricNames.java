package io.mcpai.app.observability;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression selects: identifiers that are not functions (followed by
 * {@code (}), keywords, label names (inside {@code {...}} or the label lists of {@code by}, {@code
 * without}, {@code on}, {@code ignoring}, {@code group_left}, {@code group_right}), durations,
 * numbers, strings, or Grafana variables ({@code $__rate_interval}, {@code ${x}}). Not a full
 * parser: it does not see names selected only through {@code {__name__="..."}}, which the files
 * here never use; it does refuse unbalanced brackets and quotes, so a broken expression fails
 * instead of yielding nonsense.
 */
public final class PromQlMetricNames {
  private static final Set<String> KEYWORDS =
      Set.of(
          "and",
          "or",
          "unless",
          "atan2",
          "offset",
          "bool",
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "inf",
          "nan",
          "start",
          "end");
  private static final Pattern STRING =
      Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
  private static final Pattern GRAFANA_VAR =
      Pattern.compile("\\$\\{[^}]*\\}|\\$[A-Za-z_][A-Za-z0-9_]*|\\[\\[[^\\]]*\\]\\]");
  private static final Pattern LABEL_LIST =
      Pattern.compile(
          "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^()]*\\)",
          Pattern.CASE_INSENSITIVE);
  private static final Pattern TOKEN =
      Pattern.compile("(?<num>[0-9][0-9A-Za-z_.]*)|(?<id>[A-Za-z_:][A-Za-z0-9_:]*)");

  private PromQlMetricNames() {}

  /**
   * @throws IllegalArgumentException when quotes or brackets do not balance
   */
  public static Set<String> of(String expr) {
    String s = GRAFANA_VAR.matcher(expr).replaceAll(" 1 ");
    s = STRING.matcher(s).replaceAll(" 0 ");
    if (s.contains("\"") || s.contains("'") || s.contains("`")) {
      throw new IllegalArgumentException("unbalanced quote in: " + expr);
    }
    checkBalanced(s, expr);
    s = s.replaceAll("\\{[^{}]*\\}", " "); // label matchers
    s = s.replaceAll("\\[[^\\[\\]]*\\]", " "); // ranges and subqueries
    s = LABEL_LIST.matcher(s).replaceAll(" ");
    s = s.replaceAll("@\\s*[0-9.]+", " "); // @ <unix time>
    Set<String> names = new LinkedHashSet<>();
    Matcher m = TOKEN.matcher(s);
    while (m.find()) {
      String id = m.group("id");
      if (id == null || KEYWORDS.contains(id.toLowerCase(java.util.Locale.ROOT))) {
        continue;
      }
      int next = m.end();
      while (next < s.length() && Character.isWhitespace(s.charAt(next))) {
        next++;
      }
      if (next < s.length() && s.charAt(next) == '(') {
        continue; // a function or an aggregation
      }
      names.add(id);
    }
    return names;
  }

  private static void checkBalanced(String s, String expr) {
    StringBuilder open = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '(', '[', '{' -> open.append(c);
        case ')', ']', '}' -> {
          char want = c == ')' ? '(' : c == ']' ? '[' : '{';
          if (open.length() == 0 || open.charAt(open.length() - 1) != want) {
            throw new IllegalArgumentException("unbalanced '" + c + "' in: " + expr);
          }
          open.setLength(open.length() - 1);
        }
        default -> {}
      }
    }
    if (open.length() > 0) {
      throw new IllegalArgumentException("unclosed '" + open + "' in: " + expr);
    }
  }
}
