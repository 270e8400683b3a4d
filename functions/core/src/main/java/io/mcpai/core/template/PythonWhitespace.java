package io.mcpai.core.template;

/**
 * Python's {@code str.strip()} with no arguments, because Meta's reference code strips every
 * message with it and Java's {@code String.strip()} disagrees on a few characters (Python strips
 * U+00A0, U+0085, U+2007 and U+202F; Java does not). The set below is exactly the characters for
 * which CPython's {@code str.isspace()} is true.
 */
public final class PythonWhitespace {
  private PythonWhitespace() {}

  public static boolean isSpace(char c) {
    return switch (c) {
      case '\t', '\n', '\u000B', '\f', '\r', '\u001C', '\u001D', '\u001E', '\u001F', ' ' -> true;
      case '\u0085', '\u00A0', '\u1680', '\u2028', '\u2029', '\u202F', '\u205F', '\u3000' -> true;
      default -> c >= '\u2000' && c <= '\u200A';
    };
  }

  public static String strip(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && isSpace(s.charAt(start))) {
      start++;
    }
    while (end > start && isSpace(s.charAt(end - 1))) {
      end--;
    }
    return start == 0 && end == s.length() ? s : s.substring(start, end);
  }

  public static boolean isBlank(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (!isSpace(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
