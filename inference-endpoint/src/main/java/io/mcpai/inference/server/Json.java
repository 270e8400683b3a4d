package io.mcpai.inference.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Typed reads of request fields that fail with 422 naming the field. */
final class Json {
  private Json() {}

  static void onlyKnown(JsonNode obj, Set<String> known, String prefix) {
    obj.fieldNames()
        .forEachRemaining(
            f -> {
              if (!known.contains(f)) {
                throw ApiError.invalid(
                    prefix + f, "unknown parameter '" + prefix + f + "'; allowed: " + known);
              }
            });
  }

  static boolean present(JsonNode obj, String field) {
    return obj.has(field) && !obj.get(field).isNull();
  }

  static int integer(JsonNode obj, String field, int dflt, int min, int max, String name) {
    if (!present(obj, field)) {
      return dflt;
    }
    JsonNode v = obj.get(field);
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw ApiError.invalid(name, name + " must be an integer");
    }
    int i = v.asInt();
    if (i < min || i > max) {
      throw ApiError.invalid(name, name + " must be between " + min + " and " + max + ", got " + i);
    }
    return i;
  }

  static double number(
      JsonNode obj,
      String field,
      double dflt,
      double min,
      double max,
      boolean minExclusive,
      String name) {
    if (!present(obj, field)) {
      return dflt;
    }
    JsonNode v = obj.get(field);
    if (!v.isNumber()) {
      throw ApiError.invalid(name, name + " must be a number");
    }
    double d = v.asDouble();
    if (d < min || d > max || (minExclusive && d == min) || Double.isNaN(d)) {
      throw ApiError.invalid(
          name,
          name + " must be in " + (minExclusive ? "(" : "[") + min + ", " + max + "], got " + d);
    }
    return d;
  }

  static Boolean bool(JsonNode obj, String field, Boolean dflt, String name) {
    if (!present(obj, field)) {
      return dflt;
    }
    JsonNode v = obj.get(field);
    if (!v.isBoolean()) {
      throw ApiError.invalid(name, name + " must be true or false");
    }
    return v.asBoolean();
  }

  static Long seed(JsonNode obj, String field, String name) {
    if (!present(obj, field)) {
      return null;
    }
    JsonNode v = obj.get(field);
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw ApiError.invalid(name, name + " must be an integer");
    }
    return v.asLong();
  }

  /** A string or an array of non-empty strings (at most 16). */
  static List<String> strings(JsonNode obj, String field, String name) {
    List<String> out = new ArrayList<>();
    if (!present(obj, field)) {
      return out;
    }
    JsonNode v = obj.get(field);
    if (v.isTextual()) {
      out.add(v.asText());
    } else if (v.isArray()) {
      for (JsonNode s : v) {
        if (!s.isTextual()) {
          throw ApiError.invalid(name, name + " must be a string or an array of strings");
        }
        out.add(s.asText());
      }
    } else {
      throw ApiError.invalid(name, name + " must be a string or an array of strings");
    }
    if (out.size() > 16 || out.stream().anyMatch(String::isEmpty)) {
      throw ApiError.invalid(name, name + " takes at most 16 non-empty strings");
    }
    return out;
  }
}
