package io.mcpai.core.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The reference data beside the checkout ({@code ../shared}). It is not on a user's machine, so
 * tests that need it are skipped with a message naming the missing file.
 */
public final class SharedData {
  private SharedData() {}

  public static Path dir() {
    return Path.of(System.getProperty("mcp.shared.dir", "../../../shared"));
  }

  public static Path llama2TokenizerModel() {
    return require(dir().resolve("models/llama2-tokenizer/tokenizer.model"));
  }

  public static Path stories260K() {
    return require(dir().resolve("models/stories260K"));
  }

  private static Path require(Path p) {
    assumeTrue(
        Files.exists(p),
        () ->
            "skipped: reference data " + p.toAbsolutePath() + " is absent (see shared/README.md)");
    return p;
  }
}
