package io.mcpai.providers;

import io.mcpai.core.provider.LineParser;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reassembles lines from byte chunks that split them anywhere (SageMaker's PayloadParts carry the
 * container's JSON lines cut at arbitrary byte offsets, even inside a UTF-8 character).
 */
final class LineSplitter {
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  private final LineParser parser;

  LineSplitter(LineParser parser) {
    this.parser = parser;
  }

  /**
   * @return true when a line ended the answer
   */
  boolean feed(byte[] bytes) {
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        pending.write(bytes, start, i - start);
        String line = pending.toString(StandardCharsets.UTF_8);
        pending.reset();
        start = i + 1;
        if (parser.line(line)) {
          return true;
        }
      }
    }
    pending.write(bytes, start, bytes.length - start);
    return false;
  }

  /** The stream ended: a last line without a newline still counts. */
  boolean finish() {
    if (pending.size() > 0) {
      String line = pending.toString(StandardCharsets.UTF_8);
      pending.reset();
      return parser.line(line);
    }
    return parser.done();
  }
}
