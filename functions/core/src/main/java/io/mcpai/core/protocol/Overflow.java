package io.mcpai.core.protocol;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/**
 * What to do when the system prompt plus the latest user input cannot fit the window even after
 * every history pair was dropped.
 */
public enum Overflow {
  /** Refuse with 413 and the numbers (the default: never change what the user said silently). */
  ERROR("error"),
  /** Cut the middle of the latest input's tokens and mark the cut visibly. */
  TRUNCATE_MIDDLE("truncate_middle");

  private final String wire;

  Overflow(String wire) {
    this.wire = wire;
  }

  @JsonValue
  public String wireName() {
    return wire;
  }

  public static Optional<Overflow> fromWire(String s) {
    return Arrays.stream(values()).filter(o -> o.wire.equals(s)).findFirst();
  }
}
