package io.mcpai.bench;

import ai.djl.sentencepiece.SpProcessor;
import ai.djl.sentencepiece.SpTokenizer;
import io.mcpai.core.tokenizer.SentencePieceTokenizer;
import io.mcpai.core.tokenizer.TokenizerLoader;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Encoding throughput of our SentencePiece BPE against Google's C++ SentencePiece (through DJL's
 * JNI binding) on the same ~4,000-token mixed text and the same model: LLaMA 2's when {@code
 * ../shared} is present (or {@code -p model=PATH}), else the embedded model. Tokens/s = ops/s x
 * {@link #TOKENS}; both sides produce identical ids (the tests prove it).
 *
 * <p>{@code java -jar tests/target/benchmarks.jar TokenizerBenchmark -f 1 -wi 3 -i 5 -w 1 -r 2}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TokenizerBenchmark {
  static final int TOKENS = 4000;

  @Param({""})
  public String model;

  private SentencePieceTokenizer ours;
  private SpTokenizer google;
  private SpProcessor processor;
  private String text;

  @Setup
  public void setUp() throws Exception {
    Path path = resolveModel(model);
    ours = (SentencePieceTokenizer) TokenizerLoader.fromFile(path);
    google = new SpTokenizer(path);
    processor = google.getProcessor();
    text = mixedText(ours, TOKENS);
    int[] a = ours.encode(text);
    int[] b = processor.encode(text);
    if (!java.util.Arrays.equals(a, b)) {
      throw new IllegalStateException("tokenizers disagree on the benchmark text");
    }
    System.out.printf("%nmodel %s: text of %d chars = %d tokens%n", path, text.length(), a.length);
  }

  @TearDown
  public void tearDown() {
    google.close();
  }

  @Benchmark
  public int[] ours() {
    return ours.encode(text);
  }

  @Benchmark
  public int[] sentencePieceJni() {
    return processor.encode(text);
  }

  static Path resolveModel(String configured) throws Exception {
    if (!configured.isEmpty()) {
      return Path.of(configured);
    }
    for (String candidate :
        new String[] {
          "../shared/models/llama2-tokenizer/tokenizer.model",
          "../../shared/models/llama2-tokenizer/tokenizer.model"
        }) {
      if (Files.exists(Path.of(candidate))) {
        return Path.of(candidate);
      }
    }
    Path tmp = Files.createTempFile("mcp-tiny-bpe-1k", ".model");
    tmp.toFile().deleteOnExit();
    try (InputStream in =
        TokenizerLoader.class.getResourceAsStream(
            "/io/mcpai/core/tokenizer/embedded/tokenizer.model")) {
      Files.write(tmp, in.readAllBytes());
    }
    return tmp;
  }

  /** Prose, dialogue, code, CJK, emoji and whitespace runs, repeated up to about {@code tokens}. */
  static String mixedText(SentencePieceTokenizer t, int tokens) {
    String[] parts = {
      "The lighthouse keeper wrote in her notebook every evening, noting the wind and the tide. ",
      "\"Is this the train to Edinburgh?\" she asked. \"No, platform four,\" he said.\n",
      "public int add(int a, int b) {\n    return a + b; // sum\n}\n",
      "Café naïve résumé — Zürich, Łódź. ",
      "東京は大きい都市です。你好，世界！안녕하세요. ",
      "Emoji 😀 👍🏽 👨‍👩‍👧‍👦 🇯🇵 🎉 ",
      "    indented\t\ttabs   and   spaces\n\n",
      "{\"id\": 42, \"items\": [1, 2, 3], \"ok\": true}\n",
    };
    var sb = new StringBuilder();
    int i = 0;
    while (true) {
      String next = sb + parts[i++ % parts.length];
      if (t.encode(next).length > tokens) {
        return sb.toString();
      }
      sb.setLength(0);
      sb.append(next);
    }
  }
}
