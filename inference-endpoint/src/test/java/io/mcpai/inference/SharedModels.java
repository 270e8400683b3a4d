package io.mcpai.inference;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** The reference data beside the checkout; tests that need it skip with the missing path. */
final class SharedModels {
  private SharedModels() {}

  static Path stories260K() {
    Path p =
        Path.of(System.getProperty("mcp.shared.dir", "../../shared")).resolve("models/stories260K");
    assumeTrue(
        Files.exists(p.resolve("model.safetensors")),
        () ->
            "skipped: reference model " + p.toAbsolutePath() + " is absent (see shared/README.md)");
    return p;
  }
}
