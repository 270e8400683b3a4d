package io.mcpai.inference.model;

/** A model directory that cannot be served, with the file or field at fault in the message. */
public class ModelLoadException extends RuntimeException {
  public ModelLoadException(String message) {
    super(message);
  }

  public ModelLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
