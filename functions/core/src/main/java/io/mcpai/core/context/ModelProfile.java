package io.mcpai.core.context;

import io.mcpai.core.protocol.ModelSpec;
import io.mcpai.core.template.ChatTemplate;
import io.mcpai.core.template.SegmentEncoder;
import io.mcpai.core.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A model as the formatter sees it: how big its window is, which chat template it was trained with,
 * and which tokenizer (with its segment cache) counts for it.
 */
public record ModelProfile(
    String name, int contextWindow, ChatTemplate template, SegmentEncoder encoder) {
  public ModelProfile {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(template, "template");
    Objects.requireNonNull(encoder, "encoder");
    if (contextWindow < 2) {
      throw new IllegalArgumentException("contextWindow must be at least 2, got " + contextWindow);
    }
    template.requireSupport(encoder.tokenizer());
  }

  public Tokenizer tokenizer() {
    return encoder.tokenizer();
  }

  /**
   * What validation needs to know. Reserved are the template's tags and the tokenizer's special
   * tokens: a prompt sent as text is read back with its special tokens parsed (see {@link
   * Tokenizer#encodePrompt}), so a literal {@code </s>} in content would end a turn.
   */
  public ModelSpec spec() {
    List<String> reserved = new ArrayList<>(template.reservedMarkers());
    for (String special : tokenizer().specialTokens()) {
      if (!reserved.contains(special)) {
        reserved.add(special);
      }
    }
    return new ModelSpec(name, contextWindow, reserved);
  }
}
