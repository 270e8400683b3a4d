package io.mcpai.core.template;

import io.mcpai.core.tokenizer.Tokenizer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every string handed to {@link #encode}: the proof that nothing was re-tokenized. */
public class CountingTokenizer implements Tokenizer {
  private final Tokenizer inner;
  private final List<String> encoded = new CopyOnWriteArrayList<>();

  public CountingTokenizer(Tokenizer inner) {
    this.inner = inner;
  }

  public List<String> encoded() {
    return List.copyOf(encoded);
  }

  public int calls() {
    return encoded.size();
  }

  public void reset() {
    encoded.clear();
  }

  @Override
  public int[] encode(String text) {
    encoded.add(text);
    return inner.encode(text);
  }

  @Override
  public int[] encodeWithoutDummyPrefix(String text) {
    encoded.add(text);
    return inner.encodeWithoutDummyPrefix(text);
  }

  @Override
  public String decode(int[] ids) {
    return inner.decode(ids);
  }

  @Override
  public String pieceText(int id) {
    return inner.pieceText(id);
  }

  @Override
  public int vocabSize() {
    return inner.vocabSize();
  }

  @Override
  public int bosId() {
    return inner.bosId();
  }

  @Override
  public int eosId() {
    return inner.eosId();
  }

  @Override
  public int specialTokenId(String token) {
    return inner.specialTokenId(token);
  }

  @Override
  public String source() {
    return "counting(" + inner.source() + ")";
  }
}
