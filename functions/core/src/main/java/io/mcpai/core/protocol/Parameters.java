package io.mcpai.core.protocol;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * Generation parameters. Absent values are filled with the defaults below by {@link RequestParser},
 * so a parsed request always carries concrete values.
 *
 * @param maxTokens tokens reserved for the answer (the window budget subtracts them)
 * @param temperature in [0, 2]
 * @param topP in (0, 1]
 * @param stop at most 4 stop sequences (a single string is accepted and becomes a one-entry list)
 * @param seed optional 64-bit seed
 * @param overflow policy when system prompt + latest input alone exceed the budget
 * @param returnTokenIds whether the formatted context includes {@code token_ids}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Parameters(
    int maxTokens,
    double temperature,
    double topP,
    List<String> stop,
    Long seed,
    Overflow overflow,
    boolean returnTokenIds) {

  /** Meta's {@code chat_completion} defaults for temperature and top_p. */
  public static final double DEFAULT_TEMPERATURE = 0.6;

  public static final double DEFAULT_TOP_P = 0.9;
  public static final int DEFAULT_MAX_TOKENS = 512;

  public Parameters {
    stop = stop == null ? List.of() : List.copyOf(stop);
    overflow = overflow == null ? Overflow.ERROR : overflow;
  }

  public static Parameters defaults() {
    return new Parameters(
        DEFAULT_MAX_TOKENS, DEFAULT_TEMPERATURE, DEFAULT_TOP_P, List.of(), null, null, false);
  }

  public Parameters withMaxTokens(int n) {
    return new Parameters(n, temperature, topP, stop, seed, overflow, returnTokenIds);
  }

  public Parameters withOverflow(Overflow o) {
    return new Parameters(maxTokens, temperature, topP, stop, seed, o, returnTokenIds);
  }

  public Parameters withReturnTokenIds(boolean b) {
    return new Parameters(maxTokens, temperature, topP, stop, seed, overflow, b);
  }
}
