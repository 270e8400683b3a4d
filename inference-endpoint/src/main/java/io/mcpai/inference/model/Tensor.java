package io.mcpai.inference.model;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One tensor's bytes, mapped from its safetensors file (never copied until asked), little-endian.
 */
public record Tensor(String name, DType dtype, long[] shape, ByteBuffer data) {

  public long elements() {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  public float[] toFloats() {
    return dtype.toFloats(data);
  }

  /** Fails with the tensor's name and both shapes when it is not {@code expected}. */
  public Tensor expectShape(long... expected) {
    if (!Arrays.equals(shape, expected)) {
      throw new ModelLoadException(
          "shape mismatch for "
              + name
              + ": file has "
              + Arrays.toString(shape)
              + ", config.json implies "
              + Arrays.toString(expected));
    }
    return this;
  }
}
