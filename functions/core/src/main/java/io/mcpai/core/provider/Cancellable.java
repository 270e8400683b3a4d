package io.mcpai.core.provider;

/** Stops a stream: the connection is closed and no further callback arrives. */
@FunctionalInterface
public interface Cancellable {
  void cancel();
}
