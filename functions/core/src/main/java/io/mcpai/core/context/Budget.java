package io.mcpai.core.context;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The token arithmetic of one fit.
 *
 * @param window the model's context window
 * @param reservedForOutput {@code max_tokens}, kept free for the answer
 * @param availableForPrompt {@code window - reservedForOutput}
 * @param used prompt tokens actually used (at most {@code availableForPrompt})
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Budget(int window, int reservedForOutput, int availableForPrompt, int used) {}
