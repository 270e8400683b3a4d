package io.mcpai.core.config;

import java.util.Map;

/**
 * Numeric {@code MCP_*} settings read from an environment map, with one rule for every module: a
 * blank or absent value takes the default, anything else must parse, and a bad value fails start-up
 * naming the setting and what it got.
 */
public final class EnvSettings {
  private EnvSettings() {}

  public static int integer(Map<String, String> env, String name, int dflt) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return dflt;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer, got '" + v + "'");
    }
  }

  public static double number(Map<String, String> env, String name, double dflt) {
    String v = env.get(name);
    if (v == null || v.isBlank()) {
      return dflt;
    }
    try {
      return Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number, got '" + v + "'");
    }
  }
}
