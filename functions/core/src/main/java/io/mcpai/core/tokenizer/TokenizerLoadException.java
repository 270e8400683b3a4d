package io.mcpai.core.tokenizer;

import java.nio.file.Path;

/**
 * A tokenizer file that cannot be used, with the file and the reason, so that a misconfigured
 * {@code MCP_MODEL_DIR} is diagnosed from the first log line.
 */
public final class TokenizerLoadException extends RuntimeException {
  private final String file;
  private final String reason;

  public TokenizerLoadException(String file, String reason) {
    this(file, reason, null);
  }

  public TokenizerLoadException(String file, String reason, Throwable cause) {
    super(file + ": " + reason, cause);
    this.file = file;
    this.reason = reason;
  }

  public TokenizerLoadException(Path file, String reason) {
    this(file.toString(), reason, null);
  }

  /** The file (or resource) that was being loaded. */
  public String file() {
    return file;
  }

  /** Why it cannot be used. */
  public String reason() {
    return reason;
  }
}
