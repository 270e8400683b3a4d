package io.mcpai.functions.aws;

import java.util.function.Supplier;

/**
 * Starts a function as the jar does: from the bean definitions Spring AOT generated at build time
 * ({@code spring.aot.enabled}, which the jar's {@code spring.properties} sets). Only around the
 * start: the contract suite's reference web runner in the same JVM has no generated context.
 */
final class AotStart {
  private AotStart() {}

  static <T> T start(Supplier<T> invoker) {
    String before = System.setProperty("spring.aot.enabled", "true");
    try {
      return invoker.get();
    } finally {
      if (before == null) {
        System.clearProperty("spring.aot.enabled");
      } else {
        System.setProperty("spring.aot.enabled", before);
      }
    }
  }
}
