package io.mcpai.core.routing;

/** What the router tells metrics. Called on provider threads; must be cheap. */
public interface RoutingListener {
  /** A failed try is followed by another (same or next provider). */
  default void retried(RoutedProvider from, String reason) {}

  /** A failed try is followed by a try at a different provider. */
  default void failedOver(RoutedProvider from, RoutedProvider to, String reason) {}

  RoutingListener NONE = new RoutingListener() {};
}
