package io.mcpai.core.security;

import java.util.regex.Pattern;

/**
 * Keeps secrets and prompts out of logs and error messages. Keys never appear (not even a prefix);
 * prompts appear only when the operator opted in ({@code MCP_LOG_PROMPTS=true}).
 */
public final class Redactor {
  // Credentials as they appear in headers, URLs and provider error texts.
  private static final Pattern SECRETS =
      Pattern.compile(
          "(?i)(bearer\\s+)[^\\s\"',;]+"
              + "|(x-api-key\\s*[:=]\\s*)[^\\s\"',;]+"
              + "|(api[_-]?key\\s*[\"']?\\s*[:=]\\s*[\"']?)[^\\s\"',;]+"
              + "|(password\\s*[\"']?\\s*[:=]\\s*[\"']?)[^\\s\"',;]+"
              + "|(//[^/@\\s:]*:)[^/@\\s]+(?=@)"
              + "|\\b(?:mcp|sk)-[A-Za-z0-9_-]{16,}");

  private final boolean logPrompts;

  public Redactor(boolean logPrompts) {
    this.logPrompts = logPrompts;
  }

  public boolean logsPrompts() {
    return logPrompts;
  }

  /** Text with anything that looks like a credential replaced by {@code [redacted]}. */
  public static String scrub(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    var m = SECRETS.matcher(text);
    StringBuilder sb = null;
    int last = 0;
    while (m.find()) {
      if (sb == null) {
        sb = new StringBuilder(text.length());
      }
      sb.append(text, last, m.start());
      String keep = null;
      for (int g = 1; g <= m.groupCount() && keep == null; g++) {
        keep = m.group(g);
      }
      sb.append(keep == null ? "" : keep).append("[redacted]");
      last = m.end();
    }
    return sb == null ? text : sb.append(text, last, text.length()).toString();
  }

  /** A prompt as it may be logged: itself (scrubbed) when opted in, else only its size. */
  public String prompt(String text) {
    if (text == null) {
      return "null";
    }
    return logPrompts ? scrub(text) : "[prompt redacted: " + text.length() + " chars]";
  }
}
