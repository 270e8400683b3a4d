package io.mcpai.inference.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Weight element types a safetensors file may hold that we can serve. */
public enum DType {
  F32(4),
  F16(2),
  BF16(2);

  public final int bytes;

  DType(int bytes) {
    this.bytes = bytes;
  }

  public static DType parse(String name, String tensor) {
    return switch (name) {
      case "F32" -> F32;
      case "F16" -> F16;
      case "BF16" -> BF16;
      default ->
          throw new ModelLoadException(
              "unsupported dtype " + name + " for tensor " + tensor + " (F32, F16, BF16 only)");
    };
  }

  /**
   * Decodes little-endian elements to floats; BF16 is widened here because libtorch's BF16 path is
   * unusable from DJL.
   */
  public float[] toFloats(ByteBuffer src) {
    ByteBuffer b = src.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int n = b.remaining() / bytes;
    float[] out = new float[n];
    switch (this) {
      case F32 -> b.asFloatBuffer().get(out);
      case F16 -> {
        var s = b.asShortBuffer();
        for (int i = 0; i < n; i++) {
          out[i] = halfToFloat(s.get(i));
        }
      }
      case BF16 -> {
        var s = b.asShortBuffer();
        for (int i = 0; i < n; i++) {
          out[i] = Float.intBitsToFloat((s.get(i) & 0xffff) << 16);
        }
      }
    }
    return out;
  }

  /** Encodes floats in this type (round to nearest even for the 16-bit types). */
  public void write(float[] values, ByteBuffer dst) {
    dst.order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      switch (this) {
        case F32 -> dst.putFloat(v);
        case F16 -> dst.putShort(floatToHalf(v));
        case BF16 -> {
          int bits = Float.floatToRawIntBits(v);
          int rounded = bits + 0x7fff + ((bits >>> 16) & 1);
          dst.putShort((short) (rounded >>> 16));
        }
      }
    }
  }

  /** IEEE 754 binary16 to float (Java 17 has no Float.float16ToFloat). */
  public static float halfToFloat(short h) {
    int bits = h & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      if (mant == 0) {
        return Float.intBitsToFloat(sign);
      }
      float f = mant * 0x1p-24f;
      return sign == 0 ? f : -f;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  /** Float to IEEE 754 binary16, round to nearest even. */
  public static short floatToHalf(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exp = ((bits >>> 23) & 0xff) - 127 + 15;
    int mant = bits & 0x7fffff;
    if (((bits >>> 23) & 0xff) == 0xff) {
      return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0));
    }
    if (exp >= 0x1f) {
      return (short) (sign | 0x7c00);
    }
    if (exp <= 0) {
      if (exp < -10) {
        return (short) sign;
      }
      mant |= 0x800000;
      int shift = 14 - exp;
      int half = mant >>> shift;
      int rem = mant & ((1 << shift) - 1);
      int mid = 1 << (shift - 1);
      if (rem > mid || (rem == mid && (half & 1) != 0)) {
        half++;
      }
      return (short) (sign | half);
    }
    int half = (exp << 10) | (mant >>> 13);
    int rem = mant & 0x1fff;
    if (rem > 0x1000 || (rem == 0x1000 && (half & 1) != 0)) {
      half++;
    }
    return (short) (sign | half);
  }
}
