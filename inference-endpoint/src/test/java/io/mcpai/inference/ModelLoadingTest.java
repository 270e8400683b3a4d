package io.mcpai.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import io.mcpai.inference.engine.ReferenceLlama;
import io.mcpai.inference.model.DType;
import io.mcpai.inference.model.LlamaConfig;
import io.mcpai.inference.model.ModelLoadException;
import io.mcpai.inference.model.ModelWeights;
import io.mcpai.inference.model.RandomLlama;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelLoadingTest {
  static final LlamaConfig SMALL =
      new LlamaConfig(32, 48, 2, 4, 2, 40, 32, 10000, 1e-5, false, 1, 2);

  @TempDir Path tmp;

  @Test
  void generatorIsDeterministic() throws Exception {
    Path a = RandomLlama.write(tmp.resolve("a"), SMALL, 3);
    Path b = RandomLlama.write(tmp.resolve("b"), SMALL, 3);
    Path c = RandomLlama.write(tmp.resolve("c"), SMALL, 4);
    byte[] fa = Files.readAllBytes(a.resolve("model.safetensors"));
    assertThat(Files.readAllBytes(b.resolve("model.safetensors"))).isEqualTo(fa);
    assertThat(Files.readAllBytes(c.resolve("model.safetensors"))).isNotEqualTo(fa);
  }

  @Test
  void shardedCheckpointHoldsTheSameModel() {
    Path single = RandomLlama.write(tmp.resolve("one"), SMALL, DType.F32, 9, 1);
    Path sharded = RandomLlama.write(tmp.resolve("three"), SMALL, DType.F32, 9, 3);
    assertThat(sharded.resolve("model-00003-of-00003.safetensors")).exists();
    assertThat(sharded.resolve("model.safetensors.index.json")).exists();
    assertThat(sharded.resolve("model.safetensors")).doesNotExist();
    assertThat(logits(sharded)).isEqualTo(logits(single));
  }

  @Test
  void halfPrecisionWeightsLoadCloseToF32() {
    float[] f32 = logits(RandomLlama.write(tmp.resolve("f32"), SMALL, DType.F32, 5, 1));
    for (DType d : List.of(DType.F16, DType.BF16)) {
      Path dir = RandomLlama.write(tmp.resolve(d.name()), SMALL, d, 5, 2);
      try (ModelWeights w = ModelWeights.open(dir)) {
        assertThat(w.dtype()).isEqualTo(d);
      }
      float[] half = logits(dir);
      double tol = d == DType.F16 ? 0.02 : 0.15;
      for (int i = 0; i < f32.length; i++) {
        assertThat((double) half[i])
            .as("%s logit %d", d, i)
            .isCloseTo(f32[i], org.assertj.core.data.Offset.offset(tol));
      }
    }
  }

  @Test
  void halfConversionsRoundTrip() {
    for (float f : new float[] {0f, 1f, -2.5f, 65504f, 6.1035156e-5f, 5.9604645e-8f, 0.1f}) {
      assertThat(DType.halfToFloat(DType.floatToHalf(f)))
          .isCloseTo(f, org.assertj.core.data.Percentage.withPercentage(0.1));
    }
    assertThat(DType.halfToFloat(DType.floatToHalf(1e6f))).isInfinite();
  }

  @Test
  void missingDirectoryConfigAndWeightsAreNamed() throws Exception {
    assertThatThrownBy(() -> ModelWeights.open(tmp.resolve("nope")))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("does not exist");
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    assertThatThrownBy(() -> ModelWeights.open(empty))
        .hasMessageContaining("missing file")
        .hasMessageContaining("config.json");
    Files.writeString(empty.resolve("config.json"), SMALL.toJson("float32"));
    assertThatThrownBy(() -> ModelWeights.open(empty)).hasMessageContaining("model.safetensors");
  }

  @Test
  void missingShardIsNamed() throws Exception {
    Path dir = RandomLlama.write(tmp.resolve("s"), SMALL, DType.F32, 1, 2);
    Files.delete(dir.resolve("model-00002-of-00002.safetensors"));
    assertThatThrownBy(() -> ModelWeights.open(dir))
        .isInstanceOf(ModelLoadException.class)
        .hasMessageContaining("model-00002-of-00002.safetensors");
  }

  @Test
  void unsupportedArchitectureIsRejected() throws Exception {
    Path dir = RandomLlama.write(tmp.resolve("m"), SMALL, 1);
    Files.writeString(
        dir.resolve("config.json"),
        SMALL
            .toJson("float32")
            .replace("\"llama\"", "\"mistral\"")
            .replace("LlamaForCausalLM", "MistralForCausalLM"));
    assertThatThrownBy(() -> ModelWeights.open(dir))
        .hasMessageContaining("unsupported architecture")
        .hasMessageContaining("mistral");
  }

  @Test
  void unsupportedDtypeIsRejected() throws Exception {
    Path dir = RandomLlama.write(tmp.resolve("m"), SMALL, 1);
    Path f = dir.resolve("model.safetensors");
    byte[] bytes = Files.readAllBytes(f);
    String s =
        new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1)
            .replaceFirst("\"F32\"", "\"I32\"");
    Files.write(f, s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> ModelWeights.open(dir))
        .hasMessageContaining("unsupported dtype I32")
        .hasMessageContaining("model.embed_tokens.weight");
  }

  @Test
  void shapeMismatchWithConfigIsNamed() throws Exception {
    Path dir = RandomLlama.write(tmp.resolve("m"), SMALL, 1);
    LlamaConfig wider = new LlamaConfig(32, 64, 2, 4, 2, 40, 32, 10000, 1e-5, false, 1, 2);
    Files.writeString(dir.resolve("config.json"), wider.toJson("float32"));
    try (ModelWeights w = ModelWeights.open(dir)) {
      assertThatThrownBy(() -> new ReferenceLlama(w))
          .isInstanceOf(ModelLoadException.class)
          .hasMessageContaining("shape mismatch for model.layers.0.mlp.gate_proj.weight")
          .hasMessageContaining("[48, 32]")
          .hasMessageContaining("[64, 32]");
    }
  }

  @Test
  void badConfigValuesAreNamed() throws Exception {
    Path dir = RandomLlama.write(tmp.resolve("m"), SMALL, 1);
    Files.writeString(
        dir.resolve("config.json"),
        SMALL
            .toJson("float32")
            .replace("\"num_key_value_heads\" : 2", "\"num_key_value_heads\" : 3"));
    assertThatThrownBy(() -> ModelWeights.open(dir)).hasMessageContaining("num_key_value_heads");
  }

  @Test
  void tensorShapesFollowHfNames() {
    Map<String, long[]> m = RandomLlama.tensorShapes(SMALL);
    assertThat(m.get("model.layers.1.self_attn.k_proj.weight")).containsExactly(16, 32);
    assertThat(m).containsKey("lm_head.weight");
  }

  private static float[] logits(Path dir) {
    try (ModelWeights w = ModelWeights.open(dir);
        ReferenceLlama ref = new ReferenceLlama(w);
        var s = ref.newSequence()) {
      return ref.forward(List.of(s), List.<int[]>of(new int[] {1, 7, 3}))[0];
    }
  }

  @Test
  void dtypeSettingIsParsedAndBadValuesNamed() {
    assertThat(ModelBundle.chooseDtype("auto", Device.cpu())).isEqualTo(DataType.FLOAT32);
    assertThat(ModelBundle.chooseDtype("bf16", Device.cpu())).isEqualTo(DataType.BFLOAT16);
    assertThat(ModelBundle.chooseDtype("BFloat16", Device.cpu())).isEqualTo(DataType.BFLOAT16);
    assertThat(ModelBundle.chooseDtype("f16", Device.cpu())).isEqualTo(DataType.FLOAT16);
    assertThatThrownBy(() -> ModelBundle.chooseDtype("int8", Device.cpu()))
        .hasMessageContaining("MCP_DTYPE")
        .hasMessageContaining("bfloat16")
        .hasMessageContaining("int8");
  }
}
