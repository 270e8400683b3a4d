package io.mcpai.iac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * HashiCorp's HCL parser, run through Node: {@code @cdktf/hcl2json} (the Go hcl2 library as
 * WebAssembly) is installed with npm into a build-local directory once, then one Node process
 * parses every file. No terraform binary is needed.
 */
public final class Hcl2Json {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path nodeDir;

  private Hcl2Json(Path nodeDir) {
    this.nodeDir = nodeDir;
  }

  /**
   * Installs {@code @cdktf/hcl2json@version} under {@code nodeDir} unless that version is there.
   */
  public static Hcl2Json install(Path nodeDir, String version) throws IOException {
    Path pkg = nodeDir.resolve("node_modules/@cdktf/hcl2json/package.json");
    if (!Files.exists(pkg) || !installedVersion(pkg).equals(version)) {
      npmInstall(nodeDir, List.of("@cdktf/hcl2json@" + version));
    }
    try (InputStream in = Hcl2Json.class.getResourceAsStream("parse-hcl.js")) {
      Files.copy(in, nodeDir.resolve("parse-hcl.js"), StandardCopyOption.REPLACE_EXISTING);
    }
    return new Hcl2Json(nodeDir);
  }

  /**
   * {@code npm install --prefix dir} of exact package versions: no peer dependencies, no install
   * scripts (the packages are read, never run as builds).
   */
  static void npmInstall(Path dir, List<String> packages) throws IOException {
    Files.createDirectories(dir);
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "npm",
                "install",
                "--prefix",
                dir.toString(),
                "--no-audit",
                "--no-fund",
                "--omit=peer",
                "--legacy-peer-deps",
                "--ignore-scripts",
                "--loglevel=error"));
    cmd.addAll(packages);
    run(cmd, dir, 600);
  }

  static String installedVersion(Path pkg) throws IOException {
    return JSON.readTree(pkg.toFile()).path("version").asText();
  }

  /** Parses the files; a file that does not parse maps to {@code {"__parse_error": message}}. */
  public Map<Path, JsonNode> parse(List<Path> files) throws IOException {
    Path out = Files.createTempFile(nodeDir, "parsed-", ".json");
    try {
      List<String> cmd = new ArrayList<>(List.of("node", "parse-hcl.js", out.toString()));
      files.forEach(f -> cmd.add(f.toAbsolutePath().toString()));
      run(cmd, nodeDir, 120);
      JsonNode all = JSON.readTree(out.toFile());
      Map<Path, JsonNode> parsed = new LinkedHashMap<>();
      for (Path f : files) {
        parsed.put(f, all.get(f.toAbsolutePath().toString()));
      }
      return parsed;
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** Runs a command in {@code dir}; its output, or an exception carrying it when it fails. */
  static String run(List<String> cmd, Path dir, long timeoutSeconds) throws IOException {
    Process p;
    try {
      p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "'"
              + cmd.get(0)
              + "' is not on the PATH. The iac check parses the Terraform with HashiCorp's HCL"
              + " parser, installed from the npm registry (@cdktf/hcl2json) into iac/target/node:"
              + " install Node.js 18+ with npm (CI has both).",
          e);
    }
    try {
      byte[] output = p.getInputStream().readAllBytes();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(
            String.join(" ", cmd) + " took over " + timeoutSeconds + " s");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", cmd.subList(0, Math.min(cmd.size(), 8)))
                + " failed with exit code "
                + p.exitValue()
                + ":\n"
                + new String(output, StandardCharsets.UTF_8));
      }
      return new String(output, StandardCharsets.UTF_8);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted", e);
    }
  }
}
