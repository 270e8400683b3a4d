package io.mcpai.core.context;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/**
 * A history pair the window left out.
 *
 * @param index index of the pair's user turn in {@code conversation_history} (the assistant turn is
 *     {@code index + 1})
 * @param roles always {@code ["user", "assistant"]}: pairs are dropped whole
 * @param tokens what the pair costs on its own with the template (BOS/EOS included)
 * @param reason why: {@code context_window}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Dropped(int index, List<String> roles, int tokens, String reason) {
  public static final String CONTEXT_WINDOW = "context_window";
}
