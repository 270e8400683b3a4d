package io.mcpai.core.template;

import io.mcpai.core.tokenizer.Tokenizer;
import java.util.List;

/**
 * Turns a {@link Dialog} into the exact token ids a chat model expects, segment by segment: each
 * unit (a history pair, the system prompt, the final input) is tokenized on its own and the ids are
 * concatenated, the way the models' reference code does it. A whole prompt is never rendered to a
 * string and re-tokenized, which would merge tokens across turn boundaries and place control tokens
 * by accident of spelling.
 *
 * <p>Contract the context window relies on: dropping the oldest pairs only changes the segment of
 * the first kept unit (a template may fold the system prompt into it); the segments of later pairs
 * and of the input are the same ids whatever {@code firstKept} is, as long as at least one pair is
 * kept.
 */
public interface ChatTemplate {
  /** Name used in metadata and catalogs, e.g. {@code llama-2-chat}. */
  String name();

  /** Substrings content may not contain because they would forge this template's structure. */
  List<String> reservedMarkers();

  /** Throws {@link IllegalArgumentException} when {@code tokenizer} cannot serve this template. */
  void requireSupport(Tokenizer tokenizer);

  /** The dialog with pairs {@code [firstKept, pairs.size())} kept; all pairs when 0. */
  Rendering render(Dialog dialog, int firstKept, SegmentEncoder encoder);

  /** Pair {@code index} as a plain segment (not carrying the system prompt). */
  Segment pair(Dialog dialog, int index, SegmentEncoder encoder);
}
