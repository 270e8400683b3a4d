package io.mcpai.core.template;

import io.mcpai.core.testing.SharedData;
import io.mcpai.core.tokenizer.Tokenizer;
import io.mcpai.core.tokenizer.TokenizerLoader;

/** The tokenizers template and window tests run with. */
public final class TestTokenizers {
  private static Tokenizer llama2;

  private TestTokenizers() {}

  /** Our own Java tokenizer on the real LLaMA 2 model; skips when ../shared is absent. */
  public static synchronized Tokenizer llama2() {
    if (llama2 == null) {
      llama2 = TokenizerLoader.fromFile(SharedData.llama2TokenizerModel());
    }
    return llama2;
  }

  /** The embedded byte-fallback BPE (always available; has the ChatML control pieces). */
  public static Tokenizer embedded() {
    return TokenizerLoader.embedded();
  }
}
