package io.mcpai.core.protocol;

import java.util.List;

/**
 * What validation needs to know about a model.
 *
 * @param name catalog name, e.g. {@code llama-2-7b-chat}
 * @param contextWindow tokens of prompt plus answer the model accepts
 * @param reservedMarkers substrings no content may contain because they would forge the chat
 *     template's structure (for LLaMA 2: {@code [INST]}, {@code [/INST]}, {@code <<SYS>>}, {@code
 *     <</SYS>>}, as Meta's reference code rejects them)
 */
public record ModelSpec(String name, int contextWindow, List<String> reservedMarkers) {
  public ModelSpec {
    reservedMarkers = List.copyOf(reservedMarkers);
  }

  /** The models a request may name. */
  public interface Directory {
    /** The model used when a request names none. */
    ModelSpec defaultModel();

    /** The model called {@code name}, or null. */
    ModelSpec find(String name);

    List<String> names();
  }
}
