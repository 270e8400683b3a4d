package io.mcpai.inference;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import io.mcpai.core.tokenizer.Tokenizer;
import io.mcpai.core.tokenizer.TokenizerLoader;
import io.mcpai.inference.engine.DjlLlama;
import io.mcpai.inference.engine.LlamaEngine;
import io.mcpai.inference.model.LlamaConfig;
import io.mcpai.inference.model.ModelLoadException;
import io.mcpai.inference.model.ModelWeights;
import io.mcpai.inference.model.RandomLlama;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;

/** A servable model: engine plus tokenizer, from a directory or the embedded default. */
public record ModelBundle(String name, Path dir, LlamaEngine engine, Tokenizer tokenizer) {

  static final String EMBEDDED_TOKENIZER = "/io/mcpai/core/tokenizer/embedded/tokenizer.model";

  /** MCP_MODEL_DIR, else /opt/ml/model when it exists (SageMaker), else the embedded model. */
  public static Path resolveDir(Map<String, String> env, Path cacheRoot) {
    String configured = env.get("MCP_MODEL_DIR");
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    Path sagemaker = Path.of("/opt/ml/model");
    if (Files.isRegularFile(sagemaker.resolve("config.json"))) {
      return sagemaker;
    }
    return embeddedModel(cacheRoot);
  }

  /**
   * The embedded tiny model, generated deterministically on first use into {@code cacheRoot}: a
   * 2-layer GQA LLaMA whose vocabulary is the embedded tokenizer's, with that tokenizer copied in.
   */
  public static Path embeddedModel(Path cacheRoot) {
    byte[] spm = embeddedTokenizerBytes();
    Tokenizer tok = spm != null ? TokenizerLoader.embedded() : new ByteTokenizer();
    LlamaConfig c =
        new LlamaConfig(
            64, 172, 2, 4, 2, tok.vocabSize(), 512, 10000, 1e-5, true, tok.bosId(), tok.eosId());
    Path dir = cacheRoot.resolve("mcp-embedded-llama-v1-" + tok.vocabSize());
    if (Files.isRegularFile(dir.resolve("model.safetensors"))) {
      return dir;
    }
    try {
      Files.createDirectories(cacheRoot);
      Path tmp = Files.createTempDirectory(cacheRoot, "embedded-");
      RandomLlama.write(tmp, c, 20240718L);
      if (spm != null) {
        Files.write(tmp.resolve("tokenizer.model"), spm);
      } else {
        Files.writeString(
            tmp.resolve(ByteTokenizer.MARKER), "byte-level tokenizer: ids 3..258 are bytes\n");
      }
      try {
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException raced) {
        if (!Files.isRegularFile(dir.resolve("model.safetensors"))) {
          throw raced;
        }
      }
      return dir;
    } catch (IOException e) {
      throw new ModelLoadException(
          "cannot write the embedded model under " + cacheRoot + ": " + e.getMessage(), e);
    }
  }

  private static byte[] embeddedTokenizerBytes() {
    try (InputStream in = TokenizerLoader.class.getResourceAsStream(EMBEDDED_TOKENIZER)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      return null;
    }
  }

  /** The model's tokenizer: tokenizer.model / tokenizer.json, or the byte-level marker. */
  public static Tokenizer tokenizerFor(Path dir) {
    if (Files.isRegularFile(dir.resolve(ByteTokenizer.MARKER))) {
      return new ByteTokenizer();
    }
    return TokenizerLoader.fromDirectory(dir);
  }

  /** CPU unless MCP_DEVICE says otherwise or (auto) PyTorch sees a CUDA device. */
  public static Device chooseDevice(String setting) {
    String s = setting == null ? "auto" : setting.toLowerCase(Locale.ROOT);
    return switch (s) {
      case "cpu" -> Device.cpu();
      case "gpu", "cuda" -> Device.gpu();
      case "auto" -> Engine.getEngine("PyTorch").getGpuCount() > 0 ? Device.gpu() : Device.cpu();
      default ->
          throw new IllegalArgumentException("MCP_DEVICE must be auto, cpu or gpu, not " + setting);
    };
  }

  /**
   * F16 on GPU, F32 on CPU (libtorch's CPU half kernels are slow), unless MCP_DTYPE says; bf16
   * stores the projection weights in bf16 with F32 activations (see {@link DjlLlama}).
   */
  public static DataType chooseDtype(String setting, Device device) {
    String s = setting == null ? "auto" : setting.toLowerCase(Locale.ROOT);
    return switch (s) {
      case "float32", "f32" -> DataType.FLOAT32;
      case "float16", "f16" -> DataType.FLOAT16;
      case "bfloat16", "bf16" -> DataType.BFLOAT16;
      case "auto" -> device.isGpu() ? DataType.FLOAT16 : DataType.FLOAT32;
      default ->
          throw new IllegalArgumentException(
              "MCP_DTYPE must be auto, float32, float16 or bfloat16, not " + setting);
    };
  }

  public static ModelBundle load(Path dir, Device device, DataType dtype) {
    Tokenizer tok = tokenizerFor(dir);
    try (ModelWeights w = ModelWeights.open(dir)) {
      if (tok.vocabSize() > w.config().vocabSize()) {
        throw new ModelLoadException(
            "tokenizer has "
                + tok.vocabSize()
                + " pieces but config.json vocab_size is "
                + w.config().vocabSize());
      }
      LlamaEngine engine = new DjlLlama(w, device, dtype);
      return new ModelBundle(dir.getFileName().toString(), dir, engine, tok);
    }
  }
}
