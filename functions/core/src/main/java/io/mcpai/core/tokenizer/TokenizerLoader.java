package io.mcpai.core.tokenizer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Finds and loads a model's tokenizer. A model directory may hold SentencePiece's {@code
 * tokenizer.model} (preferred: it is the original) or Hugging Face's {@code tokenizer.json}; with
 * none configured, the embedded {@value #EMBEDDED_NAME} model keeps a fresh machine working.
 */
public final class TokenizerLoader {
  /** Environment variable naming the model directory (see CONVENTIONS.md). */
  public static final String ENV_MODEL_DIR = "MCP_MODEL_DIR";

  /** System property naming the model directory; it wins over the environment variable. */
  public static final String PROPERTY_MODEL_DIR = "mcp.model.dir";

  public static final String SENTENCEPIECE_FILE = "tokenizer.model";
  public static final String HUGGING_FACE_FILE = "tokenizer.json";

  /** Name of the embedded default tokenizer. */
  public static final String EMBEDDED_NAME = "mcp-tiny-bpe-1k";

  static final String EMBEDDED_RESOURCE = "/io/mcpai/core/tokenizer/embedded/tokenizer.model";

  private TokenizerLoader() {}

  /**
   * The tokenizer in {@code dir}: {@code tokenizer.model} if present, else {@code tokenizer.json}.
   */
  public static Tokenizer fromDirectory(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new TokenizerLoadException(dir, "model directory not found");
    }
    Path model = dir.resolve(SENTENCEPIECE_FILE);
    if (Files.isRegularFile(model)) {
      return fromFile(model);
    }
    Path json = dir.resolve(HUGGING_FACE_FILE);
    if (Files.isRegularFile(json)) {
      return fromFile(json);
    }
    throw new TokenizerLoadException(
        dir,
        "no tokenizer found: looked for "
            + SENTENCEPIECE_FILE
            + " (SentencePiece) and "
            + HUGGING_FACE_FILE
            + " (Hugging Face)");
  }

  /** A {@code tokenizer.model} or {@code tokenizer.json} file, told apart by content. */
  public static Tokenizer fromFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new TokenizerLoadException(file, "file not found");
    }
    if (looksLikeJson(file)) {
      return HuggingFaceBpeTokenizer.read(file);
    }
    return new SentencePieceTokenizer(SentencePieceModel.read(file), file.toString());
  }

  private static boolean looksLikeJson(Path file) {
    if (file.getFileName().toString().endsWith(".json")) {
      return true;
    }
    try (InputStream in = Files.newInputStream(file)) {
      int b;
      do {
        b = in.read();
      } while (b == ' ' || b == '\n' || b == '\r' || b == '\t');
      return b == '{';
    } catch (IOException e) {
      throw new TokenizerLoadException(file.toString(), "cannot read: " + e.getMessage(), e);
    }
  }

  /** The embedded {@value #EMBEDDED_NAME} tokenizer, loaded once. */
  public static SentencePieceTokenizer embedded() {
    return Embedded.TOKENIZER;
  }

  // Holder idiom: loaded on first use, then shared; class initialization makes it thread-safe.
  private static final class Embedded {
    static final SentencePieceTokenizer TOKENIZER = load();

    private static SentencePieceTokenizer load() {
      String source = "classpath:" + EMBEDDED_RESOURCE;
      try (InputStream in = TokenizerLoader.class.getResourceAsStream(EMBEDDED_RESOURCE)) {
        if (in == null) {
          throw new TokenizerLoadException(source, "resource missing from the jar");
        }
        return new SentencePieceTokenizer(
            SentencePieceModel.parse(in.readAllBytes(), source), source);
      } catch (IOException e) {
        throw new TokenizerLoadException(source, "cannot read: " + e.getMessage(), e);
      }
    }
  }

  /**
   * The tokenizer of the directory named by {@code -Dmcp.model.dir} or {@code MCP_MODEL_DIR}, else
   * the embedded one. A configured directory without a tokenizer is an error, not a silent
   * fallback: counting tokens with the wrong vocabulary would be wrong without anyone noticing.
   */
  public static Tokenizer fromEnvironment() {
    return fromEnvironment(System.getenv(), System.getProperty(PROPERTY_MODEL_DIR));
  }

  static Tokenizer fromEnvironment(Map<String, String> env, String property) {
    String dir = property != null && !property.isBlank() ? property : env.get(ENV_MODEL_DIR);
    if (dir == null || dir.isBlank()) {
      return embedded();
    }
    return fromDirectory(Path.of(dir));
  }
}
