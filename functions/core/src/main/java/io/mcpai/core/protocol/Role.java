package io.mcpai.core.protocol;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/** Who wrote a message. Serialized lower-case, as in the protocol. */
public enum Role {
  SYSTEM,
  USER,
  ASSISTANT;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static Optional<Role> fromWire(String s) {
    return Arrays.stream(values()).filter(r -> r.wireName().equals(s)).findFirst();
  }
}
