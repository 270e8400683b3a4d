package io.mcpai.core.provider;

/** Reads a streamed answer one line at a time, calling a {@link StreamListener}. */
public interface LineParser {
  /**
   * @return true when this line ended the answer
   * @throws ProviderException when the line is not what the format says
   */
  boolean line(String line);

  boolean done();
}
