package io.mcpai.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The local web runner: the function beans over HTTP on :8000. */
@SpringBootApplication
public class McpApplication {
  /**
   * With fewer than 3 cores the common pool's parallelism is 1, and then {@code CompletableFuture}
   * runs every default-executor async stage on a brand-new thread. The JDK HttpClient has such a
   * stage on each response, so on 2 cores the gateway started one thread per provider call (24,530
   * in a 40 s run) and spent most of its CPU doing so. Parallelism 2 makes those stages use the
   * common pool. It must be set before {@code CompletableFuture} is first loaded, hence here.
   */
  static final String COMMON_POOL_PARALLELISM =
      "java.util.concurrent.ForkJoinPool.common.parallelism";

  public static void main(String[] args) {
    if (System.getProperty(COMMON_POOL_PARALLELISM) == null
        && Runtime.getRuntime().availableProcessors() < 3) {
      System.setProperty(COMMON_POOL_PARALLELISM, "2");
    }
    SpringApplication.run(McpApplication.class, args);
  }
}
