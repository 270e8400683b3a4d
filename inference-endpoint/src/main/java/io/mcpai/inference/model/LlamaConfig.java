package io.mcpai.inference.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The shape of a LLaMA model, as Hugging Face's {@code config.json} (LlamaConfig) states it. */
public record LlamaConfig(
    int hiddenSize,
    int intermediateSize,
    int numLayers,
    int numHeads,
    int numKvHeads,
    int vocabSize,
    int maxPositions,
    double ropeTheta,
    double rmsNormEps,
    boolean tieWordEmbeddings,
    int bosTokenId,
    int eosTokenId) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public LlamaConfig {
    require(hiddenSize > 0, "hidden_size", "must be positive");
    require(intermediateSize > 0, "intermediate_size", "must be positive");
    require(numLayers > 0, "num_hidden_layers", "must be positive");
    require(
        numHeads > 0 && hiddenSize % numHeads == 0,
        "num_attention_heads",
        "must divide hidden_size");
    require(
        numKvHeads > 0 && numHeads % numKvHeads == 0,
        "num_key_value_heads",
        "must divide num_attention_heads");
    require(
        (hiddenSize / numHeads) % 2 == 0, "num_attention_heads", "head size must be even (RoPE)");
    require(vocabSize > 0, "vocab_size", "must be positive");
    require(maxPositions > 0, "max_position_embeddings", "must be positive");
  }

  private static void require(boolean ok, String field, String reason) {
    if (!ok) {
      throw new ModelLoadException("config.json: " + field + " " + reason);
    }
  }

  public int headDim() {
    return hiddenSize / numHeads;
  }

  public int kvDim() {
    return numKvHeads * headDim();
  }

  /** Reads {@code dir/config.json}; only the LLaMA architecture is accepted. */
  public static LlamaConfig read(Path dir) {
    Path file = dir.resolve("config.json");
    if (!Files.isRegularFile(file)) {
      throw new ModelLoadException("missing file: " + file.toAbsolutePath());
    }
    JsonNode n;
    try {
      n = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new ModelLoadException(
          "config.json is not valid JSON: " + file + ": " + e.getMessage());
    }
    String type = n.path("model_type").asText("");
    JsonNode archs = n.path("architectures");
    boolean llamaArch = archs.isMissingNode() || archs.toString().contains("LlamaForCausalLM");
    if (!"llama".equals(type) || !llamaArch) {
      throw new ModelLoadException(
          "unsupported architecture: model_type="
              + (type.isEmpty() ? "(missing)" : type)
              + " architectures="
              + archs
              + " (only llama / LlamaForCausalLM is supported)");
    }
    String act = n.path("hidden_act").asText("silu");
    if (!"silu".equals(act)) {
      throw new ModelLoadException("unsupported hidden_act: " + act + " (only silu)");
    }
    if (n.hasNonNull("rope_scaling")) {
      throw new ModelLoadException("unsupported rope_scaling: " + n.get("rope_scaling"));
    }
    int heads = req(n, "num_attention_heads");
    return new LlamaConfig(
        req(n, "hidden_size"),
        req(n, "intermediate_size"),
        req(n, "num_hidden_layers"),
        heads,
        n.path("num_key_value_heads").asInt(heads),
        req(n, "vocab_size"),
        n.path("max_position_embeddings").asInt(2048),
        n.path("rope_theta").asDouble(10000.0),
        n.path("rms_norm_eps").asDouble(1e-6),
        n.path("tie_word_embeddings").asBoolean(false),
        n.path("bos_token_id").asInt(1),
        n.path("eos_token_id").asInt(2));
  }

  private static int req(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.canConvertToInt()) {
      throw new ModelLoadException("config.json: missing or non-integer field " + field);
    }
    return v.asInt();
  }

  /** The config as Hugging Face writes it. */
  public String toJson(String torchDtype) {
    ObjectNode o = JSON.createObjectNode();
    o.putArray("architectures").add("LlamaForCausalLM");
    o.put("model_type", "llama");
    o.put("hidden_size", hiddenSize);
    o.put("intermediate_size", intermediateSize);
    o.put("num_hidden_layers", numLayers);
    o.put("num_attention_heads", numHeads);
    o.put("num_key_value_heads", numKvHeads);
    o.put("vocab_size", vocabSize);
    o.put("max_position_embeddings", maxPositions);
    o.put("rms_norm_eps", rmsNormEps);
    o.put("rope_theta", ropeTheta);
    o.put("hidden_act", "silu");
    o.put("tie_word_embeddings", tieWordEmbeddings);
    o.put("bos_token_id", bosTokenId);
    o.put("eos_token_id", eosTokenId);
    o.put("torch_dtype", torchDtype);
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
