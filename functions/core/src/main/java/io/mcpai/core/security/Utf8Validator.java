package io.mcpai.core.security;

import java.nio.ByteBuffer;

/**
 * Checks that a byte stream is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates,
 * nothing above U+10FFFF) as it arrives, chunk by chunk, without decoding or copying. Decoders that
 * silently replace bad bytes with U+FFFD would let two different bodies read as the same text; the
 * gateway refuses them instead (400).
 *
 * <p>Not thread-safe: one per request body.
 */
public final class Utf8Validator {
  private int need; // continuation bytes still expected
  private int lo = 0x80;
  private int hi = 0xBF;
  private long offset;
  private long badAt = -1;

  /**
   * Feeds the remaining bytes of {@code chunk} without moving its position.
   *
   * @return false once the stream is known to be invalid
   */
  public boolean feed(ByteBuffer chunk) {
    for (int i = chunk.position(), end = chunk.limit(); i < end && badAt < 0; i++) {
      step(chunk.get(i) & 0xFF);
    }
    return badAt < 0;
  }

  public boolean feed(byte[] bytes, int from, int to) {
    for (int i = from; i < to && badAt < 0; i++) {
      step(bytes[i] & 0xFF);
    }
    return badAt < 0;
  }

  /** True when everything fed is valid and no sequence is left incomplete. */
  public boolean finish() {
    if (badAt < 0 && need > 0) {
      badAt = offset;
    }
    return badAt < 0;
  }

  /**
   * Byte offset of the first invalid byte (or of the end, for a truncated sequence); -1 if none.
   */
  public long invalidAt() {
    return badAt;
  }

  public static boolean isValid(byte[] bytes) {
    Utf8Validator v = new Utf8Validator();
    return v.feed(bytes, 0, bytes.length) && v.finish();
  }

  private void step(int c) {
    if (need == 0) {
      if (c < 0x80) {
        offset++;
        return;
      }
      if (c >= 0xC2 && c <= 0xDF) {
        begin(1, 0x80, 0xBF);
      } else if (c == 0xE0) {
        begin(2, 0xA0, 0xBF); // no overlong 3-byte forms
      } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
        begin(2, 0x80, 0xBF);
      } else if (c == 0xED) {
        begin(2, 0x80, 0x9F); // no UTF-16 surrogates
      } else if (c == 0xF0) {
        begin(3, 0x90, 0xBF); // no overlong 4-byte forms
      } else if (c >= 0xF1 && c <= 0xF3) {
        begin(3, 0x80, 0xBF);
      } else if (c == 0xF4) {
        begin(3, 0x80, 0x8F); // nothing above U+10FFFF
      } else {
        badAt = offset;
        return;
      }
      offset++;
      return;
    }
    if (c < lo || c > hi) {
      badAt = offset;
      return;
    }
    lo = 0x80;
    hi = 0xBF;
    need--;
    offset++;
  }

  private void begin(int n, int low, int high) {
    need = n;
    lo = low;
    hi = high;
  }
}
