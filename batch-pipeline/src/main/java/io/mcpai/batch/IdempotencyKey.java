package io.mcpai.batch;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * {@code <job id>/<custom_id>}: the same for every try of one prompt in one job, in this run or a
 * re-run, so an endpoint that honours {@code x-idempotency-key} answers a repeated call from its
 * record instead of generating again.
 */
public final class IdempotencyKey {
  public static final String HEADER = "x-idempotency-key";

  private IdempotencyKey() {}

  public static String of(String jobId, String customId) {
    return jobId + "/" + customId;
  }

  /** 24 hex digits of SHA-256, for ids derived from a key. */
  static String hash(String key) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)),
              0,
              12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
