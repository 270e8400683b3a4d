package io.mcpai.inference.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The weights of a Hugging Face model directory: {@code model.safetensors}, or shards listed by
 * {@code model.safetensors.index.json}. Tensors are looked up by their HF names.
 */
public final class ModelWeights implements AutoCloseable {
  private final LlamaConfig config;
  private final Path dir;
  private final Map<String, SafetensorsFile> byTensor = new HashMap<>();
  private final List<SafetensorsFile> files = new ArrayList<>();

  private ModelWeights(Path dir, LlamaConfig config) {
    this.dir = dir;
    this.config = config;
  }

  public static ModelWeights open(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new ModelLoadException("model directory does not exist: " + dir.toAbsolutePath());
    }
    LlamaConfig config = LlamaConfig.read(dir);
    ModelWeights w = new ModelWeights(dir, config);
    Path single = dir.resolve("model.safetensors");
    Path index = dir.resolve("model.safetensors.index.json");
    try {
      if (Files.isRegularFile(index)) {
        w.openIndex(index);
      } else if (Files.isRegularFile(single)) {
        SafetensorsFile f = SafetensorsFile.open(single);
        w.files.add(f);
        for (String n : f.names()) {
          w.byTensor.put(n, f);
        }
      } else {
        throw new ModelLoadException(
            "missing file: neither "
                + single.toAbsolutePath()
                + " nor "
                + index.getFileName()
                + " exists (only safetensors weights are supported)");
      }
    } catch (RuntimeException e) {
      w.close();
      throw e;
    }
    return w;
  }

  private void openIndex(Path index) {
    JsonNode map;
    try {
      map = new ObjectMapper().readTree(index.toFile()).path("weight_map");
    } catch (IOException e) {
      throw new ModelLoadException("cannot parse " + index + ": " + e.getMessage(), e);
    }
    if (!map.isObject()) {
      throw new ModelLoadException(index + " has no weight_map object");
    }
    Map<String, SafetensorsFile> shards = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String shard = e.getValue().asText();
      SafetensorsFile f =
          shards.computeIfAbsent(
              shard,
              s -> {
                SafetensorsFile opened = SafetensorsFile.open(dir.resolve(s));
                files.add(opened);
                return opened;
              });
      if (!f.has(e.getKey())) {
        throw new ModelLoadException(
            "index names tensor " + e.getKey() + " in " + shard + ", which lacks it");
      }
      byTensor.put(e.getKey(), f);
    }
  }

  public LlamaConfig config() {
    return config;
  }

  public Path dir() {
    return dir;
  }

  public boolean has(String name) {
    return byTensor.containsKey(name);
  }

  public Tensor tensor(String name) {
    SafetensorsFile f = byTensor.get(name);
    if (f == null) {
      throw new ModelLoadException("missing tensor " + name + " in " + dir.toAbsolutePath());
    }
    return f.tensor(name);
  }

  /** The tensor, checked against the shape the config implies. */
  public Tensor tensor(String name, long... shape) {
    return tensor(name).expectShape(shape);
  }

  /** The output projection: {@code lm_head.weight}, or the embeddings when they are tied. */
  public Tensor lmHead() {
    LlamaConfig c = config;
    if (has("lm_head.weight")) {
      return tensor("lm_head.weight", c.vocabSize(), c.hiddenSize());
    }
    if (c.tieWordEmbeddings()) {
      return tensor("model.embed_tokens.weight", c.vocabSize(), c.hiddenSize());
    }
    throw new ModelLoadException(
        "missing tensor lm_head.weight in "
            + dir.toAbsolutePath()
            + " (tie_word_embeddings=false)");
  }

  /** The dtype of the embedding table, taken as the checkpoint's dtype. */
  public DType dtype() {
    return tensor("model.embed_tokens.weight").dtype();
  }

  @Override
  public void close() {
    files.forEach(SafetensorsFile::close);
  }
}
