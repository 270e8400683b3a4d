package io.mcpai.core.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The few pieces of the protobuf wire format that a SentencePiece {@code ModelProto} needs:
 * varints, fixed32 floats and length-delimited fields. Hand-written so that {@code functions/core}
 * carries no protobuf runtime (and no code generation step) on the serverless cold-start path.
 */
final class ProtoWire {
  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int LENGTH_DELIMITED = 2;
  static final int FIXED32 = 5;

  private ProtoWire() {}

  /** Signals bytes that are not a well-formed protobuf message; the loader names the file. */
  static final class MalformedException extends Exception {
    MalformedException(String message) {
      super(message);
    }
  }

  /** A cursor over one message's bytes; sub-messages are read by slicing. */
  static final class Reader {
    private final byte[] buf;
    private int pos;
    private final int end;

    Reader(byte[] buf, int from, int to) {
      this.buf = buf;
      this.pos = from;
      this.end = to;
    }

    boolean hasMore() {
      return pos < end;
    }

    /** The next tag (field number shifted left by 3, or-ed with the wire type). */
    int tag() throws MalformedException {
      long tag = varint();
      if (tag <= 0 || tag > Integer.MAX_VALUE || (tag >>> 3) == 0) {
        throw new MalformedException("invalid field tag " + tag + " at byte " + pos);
      }
      return (int) tag;
    }

    long varint() throws MalformedException {
      long result = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= end) {
          throw new MalformedException("truncated varint at byte " + pos);
        }
        byte b = buf[pos++];
        result |= (long) (b & 0x7F) << shift;
        if (b >= 0) {
          return result;
        }
      }
      throw new MalformedException("varint longer than 10 bytes at byte " + pos);
    }

    float fixed32Float() throws MalformedException {
      require(4);
      int bits =
          (buf[pos] & 0xFF)
              | (buf[pos + 1] & 0xFF) << 8
              | (buf[pos + 2] & 0xFF) << 16
              | (buf[pos + 3] & 0xFF) << 24;
      pos += 4;
      return Float.intBitsToFloat(bits);
    }

    /** A length-delimited field's bytes as a sub-reader. */
    Reader message() throws MalformedException {
      int length = length();
      Reader sub = new Reader(buf, pos, pos + length);
      pos += length;
      return sub;
    }

    String string() throws MalformedException {
      int length = length();
      String s = new String(buf, pos, length, StandardCharsets.UTF_8);
      pos += length;
      return s;
    }

    byte[] bytes() throws MalformedException {
      int length = length();
      byte[] b = java.util.Arrays.copyOfRange(buf, pos, pos + length);
      pos += length;
      return b;
    }

    void skip(int wireType) throws MalformedException {
      switch (wireType) {
        case VARINT -> varint();
        case FIXED64 -> advance(8);
        case LENGTH_DELIMITED -> advance(length());
        case FIXED32 -> advance(4);
        default -> throw new MalformedException("unsupported wire type " + wireType);
      }
    }

    private int length() throws MalformedException {
      long length = varint();
      if (length < 0 || length > end - pos) {
        throw new MalformedException("length " + length + " overruns the message at byte " + pos);
      }
      return (int) length;
    }

    private void advance(int n) throws MalformedException {
      require(n);
      pos += n;
    }

    private void require(int n) throws MalformedException {
      if (end - pos < n) {
        throw new MalformedException("truncated field at byte " + pos);
      }
    }
  }

  /** Serializes fields in the order they are written, as protoc-generated code does. */
  static final class Writer {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Writer varintField(int field, long value) {
      tag(field, VARINT);
      varint(value);
      return this;
    }

    Writer boolField(int field, boolean value) {
      return varintField(field, value ? 1 : 0);
    }

    Writer floatField(int field, float value) {
      tag(field, FIXED32);
      int bits = Float.floatToIntBits(value);
      out.write(bits);
      out.write(bits >>> 8);
      out.write(bits >>> 16);
      out.write(bits >>> 24);
      return this;
    }

    Writer stringField(int field, String value) {
      return bytesField(field, value.getBytes(StandardCharsets.UTF_8));
    }

    Writer messageField(int field, Writer message) {
      return bytesField(field, message.toByteArray());
    }

    Writer bytesField(int field, byte[] value) {
      tag(field, LENGTH_DELIMITED);
      varint(value.length);
      out.write(value, 0, value.length);
      return this;
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }

    private void tag(int field, int wireType) {
      varint((long) field << 3 | wireType);
    }

    private void varint(long value) {
      while ((value & ~0x7FL) != 0) {
        out.write((int) ((value & 0x7F) | 0x80));
        value >>>= 7;
      }
      out.write((int) value);
    }
  }
}
