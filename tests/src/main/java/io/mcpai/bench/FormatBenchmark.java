package io.mcpai.bench;

import io.mcpai.core.context.ContextFormatter;
import io.mcpai.core.context.FormattedContext;
import io.mcpai.core.context.ModelCatalog;
import io.mcpai.core.protocol.ChatMessage;
import io.mcpai.core.protocol.ChatRequest;
import io.mcpai.core.protocol.Parameters;
import io.mcpai.core.protocol.ProtocolJson;
import io.mcpai.core.tokenizer.Tokenizer;
import io.mcpai.core.tokenizer.TokenizerLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Formatting a 50-turn conversation (system prompt, 24 user/assistant pairs, the new input) for
 * llama-2-7b-chat (window 4096, max_tokens 64), about 4,000 LLaMA 2 tokens.
 *
 * <ul>
 *   <li>{@code cold}: a fresh segment cache every call, so every segment is tokenized.
 *   <li>{@code incremental}: the cache holds the conversation so far; each call appends one new
 *       turn (a new assistant answer and a new user input, unique per call), as a gateway sees a
 *       chat growing. Only the new turn is tokenized.
 *   <li>{@code incrementalJson}: the same through {@code format(String json)}, parsing and
 *       validating the whole ~20 KB body each time.
 * </ul>
 *
 * <p>Tokenizer: the real LLaMA 2 {@code tokenizer.model} when {@code ../shared} (or {@code
 * -Dmcp.shared.dir}) has it, else the embedded one (printed at setup). Run: {@code java -jar
 * tests/target/benchmarks.jar FormatBenchmark -f 1 -wi 3 -i 5}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class FormatBenchmark {
  private static final String[] WORDS =
      ("the a of to and in is for on with that this it as be by at from or an are was can will "
              + "weather deployment latency token window context gateway model request response cloud "
              + "region provider budget prompt answer question cluster memory throughput serverless "
              + "function Lambda Azure Google AWS café naïve résumé 東京 🚀 p99 4096 3.14 x=y+1; "
              + "please explain why how when where which configure measure compare optimize")
          .split(" ");

  private Tokenizer tokenizer;
  private ChatRequest base;
  private ContextFormatter warm;
  private String jsonPrefix;
  private long counter;

  @Setup(Level.Trial)
  public void setup() {
    Path shared =
        Path.of(System.getProperty("mcp.shared.dir", "../shared"))
            .resolve("models/llama2-tokenizer/tokenizer.model");
    tokenizer =
        Files.exists(shared) ? TokenizerLoader.fromFile(shared) : TokenizerLoader.embedded();
    Random rnd = new Random(42);
    List<ChatMessage> history = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      history.add(ChatMessage.user(sentence(rnd, 45)));
      history.add(ChatMessage.assistant(sentence(rnd, 70)));
    }
    base =
        new ChatRequest(
            "You are a precise assistant for platform engineers. Answer briefly.",
            history,
            sentence(rnd, 45),
            ModelCatalog.LLAMA_2_7B_CHAT,
            null,
            null,
            Parameters.defaults().withMaxTokens(64));
    warm = new ContextFormatter(ModelCatalog.standard(tokenizer, null));
    FormattedContext first = warm.format(base);
    FormattedContext grown = warm.format(grow(base, 0));
    System.err.printf(
        "%nFormatBenchmark: tokenizer=%s, 50 turns, prompt_tokens=%d (grown: %d, dropped %d)%n",
        tokenizer.source(), first.promptTokens(), grown.promptTokens(), grown.dropped().size());

    Map<String, Object> body = new LinkedHashMap<>();
    body.put("system_prompt", base.systemPrompt());
    body.put("parameters", Map.of("max_tokens", 64));
    List<Map<String, String>> h = new ArrayList<>();
    for (ChatMessage m : base.conversationHistory()) {
      h.add(Map.of("role", m.role().wireName(), "content", m.content()));
    }
    h.add(Map.of("role", "user", "content", base.userInput()));
    body.put("conversation_history", h);
    String json = ProtocolJson.write(body);
    jsonPrefix = json.substring(0, json.length() - 2); // open before "]}"
  }

  static String sentence(Random rnd, int words) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < words; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(WORDS[rnd.nextInt(WORDS.length)]);
    }
    return sb.append('.').toString();
  }

  /** The base conversation grown by one turn: its input answered, and a new input. */
  private static ChatRequest grow(ChatRequest r, long n) {
    List<ChatMessage> h = new ArrayList<>(r.conversationHistory().size() + 2);
    h.addAll(r.conversationHistory());
    h.add(ChatMessage.user(r.userInput()));
    h.add(
        ChatMessage.assistant("Answer " + n + ": measure the p99 latency first, then the budget."));
    return new ChatRequest(
        r.systemPrompt(),
        h,
        "Follow-up " + n + ": and what about the cold start on Lambda?",
        r.model(),
        null,
        null,
        r.parameters());
  }

  @Benchmark
  public FormattedContext cold() {
    return new ContextFormatter(ModelCatalog.standard(tokenizer, null)).format(base);
  }

  @Benchmark
  public FormattedContext incremental() {
    return warm.format(grow(base, ++counter));
  }

  @Benchmark
  public FormattedContext incrementalJson() {
    long n = ++counter;
    String json =
        jsonPrefix
            + ",{\"role\":\"assistant\",\"content\":\"Answer "
            + n
            + ": measure the p99 latency first, then the budget.\"}],"
            + "\"user_input\":\"Follow-up "
            + n
            + ": and what about the cold start on Lambda?\"}";
    return warm.format(json);
  }
}
