package io.mcpai.core.context;

import io.mcpai.core.protocol.Overflow;
import io.mcpai.core.protocol.Problem;
import io.mcpai.core.protocol.ProtocolException;
import io.mcpai.core.template.ChatTemplate;
import io.mcpai.core.template.Dialog;
import io.mcpai.core.template.Rendering;
import io.mcpai.core.template.Segment;
import io.mcpai.core.template.SegmentEncoder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fits a dialog into a model's window, counting exactly with the template's own token ids.
 *
 * <p>Rules: the budget for the prompt is {@code window - max_tokens}. The system prompt and the
 * latest input are always kept. History is dropped oldest first, one whole user/assistant pair at a
 * time, never half a pair, and only as many pairs as needed (the smallest number of dropped pairs
 * whose exact rendering fits). If the system prompt and the latest input alone do not fit, the fit
 * fails with 413 and the numbers, or, with {@link Overflow#TRUNCATE_MIDDLE}, the middle of the
 * input's tokens is cut and replaced by a visible marker.
 *
 * <p>Cost: one rendering of the whole dialog; when it does not fit, the template's contract (only
 * the first kept unit changes when pairs are dropped) gives a lower bound for each candidate, and
 * only candidates whose bound fits are rendered exactly, usually one or two. With the {@link
 * SegmentEncoder} cache a conversation that grew by one turn tokenizes only the new segments (and
 * the system-carrying first pair when the window had to move).
 */
public final class ContextWindow {
  private static final List<String> PAIR_ROLES = List.of("user", "assistant");
  private static final int MAX_TRUNCATION_ROUNDS = 8;

  private ContextWindow() {}

  /**
   * @param window the model's context window in tokens
   * @param reservedForOutput max_tokens
   * @throws ProtocolException 413 {@code context_length_exceeded} when it cannot fit
   */
  public static Fit fit(
      ChatTemplate template,
      Dialog dialog,
      SegmentEncoder encoder,
      int window,
      int reservedForOutput,
      Overflow overflow) {
    if (reservedForOutput < 1 || reservedForOutput >= window) {
      throw new IllegalArgumentException(
          "reservedForOutput " + reservedForOutput + " must be in [1, " + (window - 1) + "]");
    }
    int available = window - reservedForOutput;
    int n = dialog.pairs().size();
    Rendering full = template.render(dialog, 0, encoder);
    if (full.tokenCount() <= available) {
      return new Fit(dialog, 0, full, budget(window, reservedForOutput, full), List.of(), null);
    }

    // Lower bound for keeping pairs [k, n), k < n: everything but the first kept pair.
    int[] pairTokens = new int[n];
    int rest = full.tokenCount();
    for (Segment s : full.segments()) {
      if (s.kind() == Segment.Kind.PAIR) {
        pairTokens[s.pair()] = s.tokenCount();
        rest -= s.tokenCount();
      }
    }
    int[] after = new int[n + 1]; // after[k] = sum of pairTokens[k+1 .. n-1]
    for (int k = n - 2; k >= 0; k--) {
      after[k] = after[k + 1] + pairTokens[k + 1];
    }
    for (int k = 1; k < n; k++) {
      if (rest + after[k] > available) {
        continue; // even at zero cost for pair k this cannot fit
      }
      Rendering r = template.render(dialog, k, encoder);
      if (r.tokenCount() <= available) {
        return new Fit(
            dialog,
            k,
            r,
            budget(window, reservedForOutput, r),
            dropped(template, dialog, full, k, encoder),
            null);
      }
    }
    Rendering alone = n == 0 ? full : template.render(dialog, n, encoder);
    List<Dropped> dropped = dropped(template, dialog, full, n, encoder);
    if (alone.tokenCount() <= available) {
      return new Fit(dialog, n, alone, budget(window, reservedForOutput, alone), dropped, null);
    }
    if (overflow != Overflow.TRUNCATE_MIDDLE) {
      throw tooLong(dialog, n, window, reservedForOutput, alone.tokenCount());
    }
    return truncateMiddle(template, dialog, encoder, window, reservedForOutput, alone, dropped);
  }

  /** The marker put where the middle of the input was cut. */
  public static String marker(int removedTokens) {
    return " … [truncated " + removedTokens + " tokens] … ";
  }

  private static Fit truncateMiddle(
      ChatTemplate template,
      Dialog dialog,
      SegmentEncoder encoder,
      int window,
      int reserved,
      Rendering alone,
      List<Dropped> dropped) {
    int available = window - reserved;
    int n = dialog.pairs().size();
    int[] input = encoder.encode(dialog.userInput());
    int excess = alone.tokenCount() - available;
    // First guess: the excess plus what the marker itself costs; corrected by exact renderings.
    int remove = excess + encoder.encode(marker(excess)).length + 2;
    for (int round = 0; round < MAX_TRUNCATION_ROUNDS && remove < input.length; round++) {
      int keep = input.length - remove;
      int head = (keep + 1) / 2;
      int tail = keep - head;
      String text =
          clean(encoder.tokenizer().decode(Arrays.copyOfRange(input, 0, head))).stripTrailing()
              + marker(remove)
              + clean(
                      encoder
                          .tokenizer()
                          .decode(Arrays.copyOfRange(input, input.length - tail, input.length)))
                  .stripLeading();
      Dialog cut = dialog.withUserInput(text);
      Rendering r = template.render(cut, n, encoder);
      if (r.tokenCount() <= available) {
        return new Fit(
            cut,
            n,
            r,
            budget(window, reserved, r),
            dropped,
            new Truncation("user_input", input.length, remove, marker(remove)));
      }
      remove += r.tokenCount() - available;
    }
    // Even an input reduced to the marker does not fit: the system prompt is the problem.
    List<Problem> problems = new ArrayList<>();
    problems.add(
        Problem.tooLarge(
            dialog.system() != null ? "system_prompt" : "user_input",
            "cannot fit even with user_input cut to a marker: "
                + numbers(window, reserved, alone.tokenCount())
                + (dialog.system() != null ? "; shorten system_prompt or lower max_tokens" : ""),
            available));
    throw new ProtocolException(413, ProtocolException.CONTEXT_LENGTH, problems);
  }

  /** Decoding a cut through a multi-byte character leaves U+FFFD at the cut: drop it. */
  private static String clean(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && s.charAt(start) == '\uFFFD') {
      start++;
    }
    while (end > start && s.charAt(end - 1) == '\uFFFD') {
      end--;
    }
    return s.substring(start, end);
  }

  private static ProtocolException tooLong(
      Dialog dialog, int pairs, int window, int reserved, int needed) {
    String what = dialog.system() != null ? "system_prompt and user_input" : "user_input";
    String message =
        what
            + " alone "
            + numbers(window, reserved, needed)
            + (pairs > 0 ? " (all " + pairs + " history pairs already left out)" : "")
            + "; shorten it, lower max_tokens, or set parameters.overflow to \"truncate_middle\"";
    return new ProtocolException(
        413,
        ProtocolException.CONTEXT_LENGTH,
        List.of(Problem.tooLarge("user_input", message, window - reserved)));
  }

  private static String numbers(int window, int reserved, int needed) {
    return "need "
        + needed
        + " prompt tokens, but the context window is "
        + window
        + " tokens with "
        + reserved
        + " reserved for output (max_tokens), leaving "
        + (window - reserved);
  }

  private static List<Dropped> dropped(
      ChatTemplate template, Dialog dialog, Rendering full, int firstKept, SegmentEncoder enc) {
    List<Dropped> out = new ArrayList<>(firstKept);
    for (Segment s : full.segments()) {
      if (s.kind() == Segment.Kind.PAIR && s.pair() < firstKept) {
        int tokens =
            s.carriesSystem() ? template.pair(dialog, s.pair(), enc).tokenCount() : s.tokenCount();
        out.add(
            new Dropped(
                dialog.pairs().get(s.pair()).historyIndex(),
                PAIR_ROLES,
                tokens,
                Dropped.CONTEXT_WINDOW));
      }
    }
    return out;
  }

  private static Budget budget(int window, int reserved, Rendering r) {
    return new Budget(window, reserved, window - reserved, r.tokenCount());
  }
}
