package io.mcpai.core.testing;

import ai.djl.sentencepiece.SpProcessor;
import ai.djl.sentencepiece.SpTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Google's SentencePiece (the C++ library, through DJL's JNI binding): the reference our own
 * tokenizer must match id for id. Test scope only; production code never loads native code for
 * tokenizing.
 */
public final class SentencePieceOracle implements AutoCloseable {
  private final SpTokenizer tokenizer;
  private final SpProcessor processor;

  public SentencePieceOracle(Path model) {
    try {
      this.tokenizer = new SpTokenizer(model);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.processor = tokenizer.getProcessor();
  }

  public int[] encode(String text) {
    return processor.encode(text);
  }

  public String decode(int[] ids) {
    return processor.decode(ids);
  }

  public String piece(int id) {
    return processor.getToken(id);
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
