package io.mcpai.core.template;

/**
 * A run of token ids the template produced for one unit of the dialog, encoded on its own.
 *
 * @param kind what the unit is
 * @param pair index into {@link Dialog#pairs()} for {@link Kind#PAIR}, else -1
 * @param text the same tokens as display text, control tokens written out ({@code <s>}, {@code
 *     <|im_start|>})
 * @param ids token ids; shared, do not modify
 * @param carriesSystem whether the system prompt is folded into this segment (LLaMA 2 puts it
 *     inside the first kept {@code [INST]})
 */
public record Segment(Kind kind, int pair, String text, int[] ids, boolean carriesSystem) {
  public enum Kind {
    /** The system prompt as a unit of its own (ChatML). */
    SYSTEM,
    /** One user/assistant pair of the history: the unit the window drops. */
    PAIR,
    /** The latest user input plus the opening of the answer. */
    INPUT
  }

  public int tokenCount() {
    return ids.length;
  }
}
