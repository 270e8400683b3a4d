package io.mcpai.batch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;

/**
 * One input line that has a {@code custom_id}: where it came from, in which format, and its
 * protocol "1.0" request (an OpenAI batch line's chat body already mapped onto the protocol). It
 * travels between stages as JSON.
 *
 * @param source {@code file:line}, for error reports
 * @param format {@code protocol} or {@code openai}: the shape its result is written in
 * @param request the protocol request, not yet validated
 */
public record Prompt(String customId, String source, String format, JsonNode request) {
  public static final String PROTOCOL = "protocol";
  public static final String OPENAI = "openai";
  static final ObjectMapper JSON = new ObjectMapper();

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Prompt fromJson(String json) {
    try {
      return JSON.readValue(json, Prompt.class);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
