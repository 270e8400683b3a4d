package io.mcpai.iac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * {@code iac/artifacts.json}: the names the Terraform and the build must agree on (the functions'
 * packages, handlers and entry points, the function names, the queue names and the inference
 * endpoint's container contract). Read as a tree: the check looks values up by path.
 */
record Artifacts(JsonNode root) {
  static Artifacts read(Path file) throws IOException {
    JsonNode root = new ObjectMapper().readTree(file.toFile());
    if (root.path("v").asInt() != 1) {
      throw new IllegalArgumentException(file + ": \"v\" must be 1");
    }
    return new Artifacts(root);
  }

  /** The text at a dotted path, e.g. {@code functions.aws.handler}; fails when absent. */
  String text(String path) {
    JsonNode n = root;
    for (String seg : path.split("\\.")) {
      n = n.path(seg);
    }
    if (n.isMissingNode() || n.isNull() || n.isContainerNode()) {
      throw new IllegalArgumentException("artifacts.json has no value at " + path);
    }
    return n.asText();
  }

  Set<String> texts(String... paths) {
    Set<String> out = new LinkedHashSet<>();
    for (String p : paths) {
      out.add(text(p));
    }
    return out;
  }

  /** Every artifact's file path (relative to the repository root). */
  Set<String> files() {
    Set<String> out = new LinkedHashSet<>();
    root.path("functions").forEach(f -> out.add(f.path("file").asText()));
    out.add(root.path("endpoint").path("file").asText());
    return out;
  }
}
