package io.mcpai.core.template;

import java.util.List;

/** A template's output for one dialog: its segments in order, ready to concatenate. */
public record Rendering(List<Segment> segments, int tokenCount) {
  public Rendering(List<Segment> segments) {
    this(List.copyOf(segments), segments.stream().mapToInt(Segment::tokenCount).sum());
  }

  /** All ids, segment after segment: what the model is fed. */
  public int[] ids() {
    int[] out = new int[tokenCount];
    int at = 0;
    for (Segment s : segments) {
      System.arraycopy(s.ids(), 0, out, at, s.ids().length);
      at += s.ids().length;
    }
    return out;
  }

  /** The prompt as text, control tokens written out; for display and debugging only. */
  public String prompt() {
    StringBuilder sb = new StringBuilder();
    for (Segment s : segments) {
      sb.append(s.text());
    }
    return sb.toString();
  }
}
