package io.mcpai.inference.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a LLaMA model with random weights in the Hugging Face layout ({@code config.json} + real
 * safetensors, optionally sharded with an index), deterministically from a seed: the same config
 * and seed give the same bytes. Each tensor's values depend only on the seed and its name, so a
 * sharded copy holds the same model. Used for the embedded default model, tests and benchmarks.
 */
public final class RandomLlama {
  private RandomLlama() {}

  /** The tensor names and shapes a LLaMA checkpoint of this config holds, in HF order. */
  public static Map<String, long[]> tensorShapes(LlamaConfig c) {
    Map<String, long[]> m = new LinkedHashMap<>();
    long d = c.hiddenSize();
    long kv = c.kvDim();
    long h = c.intermediateSize();
    m.put("model.embed_tokens.weight", new long[] {c.vocabSize(), d});
    for (int l = 0; l < c.numLayers(); l++) {
      String p = "model.layers." + l + ".";
      m.put(p + "input_layernorm.weight", new long[] {d});
      m.put(p + "self_attn.q_proj.weight", new long[] {d, d});
      m.put(p + "self_attn.k_proj.weight", new long[] {kv, d});
      m.put(p + "self_attn.v_proj.weight", new long[] {kv, d});
      m.put(p + "self_attn.o_proj.weight", new long[] {d, d});
      m.put(p + "post_attention_layernorm.weight", new long[] {d});
      m.put(p + "mlp.gate_proj.weight", new long[] {h, d});
      m.put(p + "mlp.up_proj.weight", new long[] {h, d});
      m.put(p + "mlp.down_proj.weight", new long[] {d, h});
    }
    m.put("model.norm.weight", new long[] {d});
    if (!c.tieWordEmbeddings()) {
      m.put("lm_head.weight", new long[] {c.vocabSize(), d});
    }
    return m;
  }

  /** Values of one tensor: norms near 1, matrices scaled by fan-in so activations stay O(1). */
  static float[] values(String name, long[] shape, long seed) {
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    float[] v = new float[Math.toIntExact(n)];
    SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + name.hashCode());
    if (shape.length == 1) {
      for (int i = 0; i < v.length; i++) {
        v[i] = 1f + (float) (r.nextDouble() - 0.5) * 0.2f;
      }
      return v;
    }
    double fanIn = shape[1];
    double scale;
    if (name.equals("model.embed_tokens.weight")) {
      scale = 1.0;
    } else if (name.equals("lm_head.weight")) {
      scale = 3 * Math.sqrt(3 / fanIn);
    } else {
      scale = Math.sqrt(3 / fanIn);
    }
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
    }
    return v;
  }

  /** Writes the model into {@code dir} (created if needed) in {@code shards} files. */
  public static Path write(Path dir, LlamaConfig c, DType dtype, long seed, int shards) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("config.json"), c.toJson(torchDtype(dtype)));
      Map<String, long[]> all = tensorShapes(c);
      List<String> names = new ArrayList<>(all.keySet());
      if (shards <= 1) {
        writeFile(dir.resolve("model.safetensors"), names, all, dtype, seed);
        return dir;
      }
      ObjectMapper json = new ObjectMapper();
      ObjectNode index = json.createObjectNode();
      index.putObject("metadata").put("total_size", totalBytes(all, dtype));
      ObjectNode map = index.putObject("weight_map");
      int per = (names.size() + shards - 1) / shards;
      for (int s = 0; s < shards; s++) {
        List<String> part =
            names.subList(Math.min(s * per, names.size()), Math.min((s + 1) * per, names.size()));
        String file = String.format("model-%05d-of-%05d.safetensors", s + 1, shards);
        writeFile(dir.resolve(file), part, all, dtype, seed);
        part.forEach(n -> map.put(n, file));
      }
      json.writerWithDefaultPrettyPrinter()
          .writeValue(dir.resolve("model.safetensors.index.json").toFile(), index);
      return dir;
    } catch (IOException e) {
      throw new ModelLoadException(
          "cannot write random model to " + dir + ": " + e.getMessage(), e);
    }
  }

  public static Path write(Path dir, LlamaConfig c, long seed) {
    return write(dir, c, DType.F32, seed, 1);
  }

  private static long totalBytes(Map<String, long[]> all, DType dtype) {
    long t = 0;
    for (long[] s : all.values()) {
      long n = dtype.bytes;
      for (long d : s) {
        n *= d;
      }
      t += n;
    }
    return t;
  }

  static String torchDtype(DType d) {
    return switch (d) {
      case F32 -> "float32";
      case F16 -> "float16";
      case BF16 -> "bfloat16";
    };
  }

  /** Writes one safetensors file; the header is space-padded to 8 bytes as the format allows. */
  public static void writeFile(
      Path file, List<String> names, Map<String, long[]> shapes, DType dtype, long seed)
      throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode header = json.createObjectNode();
    long offset = 0;
    for (String n : names) {
      long[] s = shapes.get(n);
      long bytes = dtype.bytes;
      for (long d : s) {
        bytes *= d;
      }
      ObjectNode t = header.putObject(n);
      t.put("dtype", dtype.name());
      var shapeArr = t.putArray("shape");
      for (long d : s) {
        shapeArr.add(d);
      }
      t.putArray("data_offsets").add(offset).add(offset + bytes);
      offset += bytes;
    }
    byte[] h = json.writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
    int padded = (h.length + 7) / 8 * 8;
    try (OutputStream out = Files.newOutputStream(file)) {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
      out.write(len.array());
      out.write(h);
      for (int i = h.length; i < padded; i++) {
        out.write(' ');
      }
      for (String n : names) {
        float[] v = values(n, shapes.get(n), seed);
        ByteBuffer b = ByteBuffer.allocate(v.length * dtype.bytes);
        dtype.write(v, b);
        out.write(b.array());
      }
    }
  }
}
