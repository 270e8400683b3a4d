package io.mcpai.core.session;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Exact-match answers for deterministic requests, in this process or in Redis. Keys are {@link
 * #key} digests, so a hit needs the very same fitted token ids, model and parameters. Failures
 * complete the futures with {@link StoreUnavailableException}; callers treat them as a miss.
 */
public interface ResponseCache extends AutoCloseable {
  /** The cached answer, or null. */
  CompletableFuture<CachedCompletion> get(String key);

  CompletableFuture<Void> put(String key, CachedCompletion value);

  String backend();

  @Override
  default void close() {}

  /**
   * Only answers that do not depend on chance are cached: greedy decoding (temperature 0) or a
   * fixed seed.
   */
  static boolean deterministic(double temperature, Long seed) {
    return temperature == 0.0 || seed != null;
  }

  /**
   * SHA-256 over everything that decides the answer: the fitted token ids (so two requests that
   * format to the same prompt share an entry, and any difference in the prompt does not), the
   * tokenizer they come from, the model, the sampling parameters and a pinned provider.
   */
  static String key(
      String model,
      String tokenizer,
      int[] ids,
      int maxTokens,
      double temperature,
      double topP,
      List<String> stop,
      Long seed,
      String provider) {
    MessageDigest d;
    try {
      d = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    // Each string is length-prefixed: no two field lists hash the same bytes.
    for (String s : new String[] {"v1", model, tokenizer, provider == null ? "" : provider}) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      d.update(ByteBuffer.allocate(4).putInt(b.length).array());
      d.update(b);
    }
    ByteBuffer idBytes = ByteBuffer.allocate(4 + 4 * ids.length).putInt(ids.length);
    for (int id : ids) {
      idBytes.putInt(id);
    }
    d.update(idBytes.array());
    ByteBuffer p =
        ByteBuffer.allocate(4 + 8 + 8 + 1 + 8 + 4)
            .putInt(maxTokens)
            .putDouble(temperature)
            .putDouble(topP)
            .put((byte) (seed == null ? 0 : 1))
            .putLong(seed == null ? 0 : seed)
            .putInt(stop.size());
    d.update(p.array());
    for (String s : stop) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      d.update(ByteBuffer.allocate(4).putInt(b.length).array());
      d.update(b);
    }
    return HexFormat.of().formatHex(d.digest());
  }
}
