package io.mcpai.core.requestlog;

/** Where request records go. {@link #record} must not block: it runs on the request's thread. */
public interface RequestLog extends AutoCloseable {
  void record(RequestRecord r);

  @Override
  default void close() {}

  RequestLog NONE = r -> {};
}
