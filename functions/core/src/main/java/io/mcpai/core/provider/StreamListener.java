package io.mcpai.core.provider;

/**
 * Receives a streamed answer. Exactly one of {@link #onComplete} and {@link #onError} ends it.
 * Called on the client's threads: implementations must not block.
 */
public interface StreamListener {
  /** A piece of text, in order. */
  void onToken(String text);

  void onComplete(Completion completion);

  void onError(Throwable error);
}
