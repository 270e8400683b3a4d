package io.mcpai.core.context;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * How the latest input was cut when it could not fit whole ({@code overflow: truncate_middle}).
 *
 * @param param always {@code user_input}
 * @param originalTokens tokens of the input on its own before the cut
 * @param removedTokens tokens taken out of its middle
 * @param marker the text put where the cut is
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Truncation(String param, int originalTokens, int removedTokens, String marker) {}
