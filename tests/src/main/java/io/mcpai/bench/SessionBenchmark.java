package io.mcpai.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpai.core.context.ContextFormatter;
import io.mcpai.core.context.FormattedContext;
import io.mcpai.core.context.ModelCatalog;
import io.mcpai.core.protocol.ChatRequest;
import io.mcpai.core.protocol.ProtocolJson;
import io.mcpai.core.session.ConversationStore;
import io.mcpai.core.session.InMemoryConversationStore;
import io.mcpai.core.session.RedisConnection;
import io.mcpai.core.session.RedisConversationStore;
import io.mcpai.core.session.Session;
import io.mcpai.core.session.SessionFormatter;
import io.mcpai.core.session.SessionKey;
import io.mcpai.core.session.SessionLimits;
import io.mcpai.core.session.Turn;
import io.mcpai.core.template.SegmentEncoder;
import io.mcpai.core.tokenizer.Tokenizer;
import io.mcpai.core.tokenizer.TokenizerLoader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The per-turn cost of a 50-turn conversation with a session store versus resending the whole
 * history, measured side by side (variants interleaved turn by turn, their order rotated) in one
 * run. Each turn is what the gateway does before routing: read the body, load the session, format
 * and fit (llama-2-7b-chat, window 4096, max_tokens 64) and, for sessions, append the answered
 * turn.
 *
 * <ul>
 *   <li>{@code resend-cold}: the client sends the whole history; the turn lands on an instance that
 *       has not seen the conversation (serverless: any instance), so every segment is tokenized.
 *   <li>{@code resend-warm}: the same on the one instance that served every earlier turn (its
 *       segment cache holds them): the best case without a store.
 *   <li>{@code session-memory} / {@code session-redis}: the client sends only the new input with a
 *       {@code session_id}; a cold instance loads the session and its stored token ids, so only the
 *       new pair and input are tokenized; the answer is appended.
 * </ul>
 *
 * <p>Reported per turn (turns 1, 10, 25, 50) and summed over the 50 turns: median time across
 * rounds with the 25th-75th percentile, tokenizer calls, client-to-gateway bytes, and store bytes
 * (read plus written). Run: {@code java -cp tests/target/benchmarks.jar
 * io.mcpai.bench.SessionBenchmark [--rounds 15] [--redis-url redis://127.0.0.1:6390]}.
 */
public final class SessionBenchmark {
  private static final String SYSTEM =
      "You are a precise assistant for platform engineers. Answer briefly.";
  private static final ObjectMapper JSON = new ObjectMapper();

  private SessionBenchmark() {}

  /** One variant's cost for one turn. */
  record Cost(long nanos, long tokenizerCalls, long wireBytes, long storeBytes) {}

  public static void main(String[] args) throws Exception {
    int rounds = 15;
    int warmup = 3;
    int turns = 50;
    String redisUrl = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--turns" -> turns = Integer.parseInt(args[++i]);
        case "--redis-url" -> redisUrl = args[++i];
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Path shared =
        Path.of(System.getProperty("mcp.shared.dir", "../shared"))
            .resolve("models/llama2-tokenizer/tokenizer.model");
    Tokenizer tokenizer =
        Files.exists(shared) ? TokenizerLoader.fromFile(shared) : TokenizerLoader.embedded();

    Random rnd = new Random(42);
    String[] users = new String[turns];
    String[] answers = new String[turns];
    for (int t = 0; t < turns; t++) {
      users[t] = FormatBenchmark.sentence(rnd, 45);
      answers[t] = FormatBenchmark.sentence(rnd, 70);
    }

    List<String> variants =
        new ArrayList<>(List.of("resend-cold", "resend-warm", "session-memory"));
    RedisConnection redis = null;
    if (redisUrl != null) {
      redis = new RedisConnection(redisUrl, Duration.ofSeconds(2), Duration.ofSeconds(2));
      variants.add("session-redis");
    }
    Map<String, long[][]> nanos = new LinkedHashMap<>();
    Map<String, Cost[]> last = new LinkedHashMap<>();
    for (String v : variants) {
      nanos.put(v, new long[rounds][turns]);
      last.put(v, new Cost[turns]);
    }

    double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    for (int round = -warmup; round < rounds; round++) {
      ContextFormatter warm = new ContextFormatter(ModelCatalog.standard(tokenizer, null));
      ConversationStore memory =
          new InMemoryConversationStore(SessionLimits.defaults(), 256L << 20);
      ConversationStore onRedis =
          redis == null ? null : new RedisConversationStore(redis, SessionLimits.defaults());
      String sessionId = "bench-" + round + "-" + System.nanoTime();
      for (int t = 0; t < turns; t++) {
        int offset = Math.floorMod(t + round, variants.size());
        String expectedPrompt = null;
        for (int k = 0; k < variants.size(); k++) {
          String v = variants.get((k + offset) % variants.size());
          // Cold instances are built before the clock starts: we measure turns, not start-up.
          ContextFormatter cold = new ContextFormatter(ModelCatalog.standard(tokenizer, null));
          Measured m =
              switch (v) {
                case "resend-cold" -> resend(cold, users, answers, t);
                case "resend-warm" -> resend(warm, users, answers, t);
                case "session-memory" -> session(cold, memory, sessionId, users, answers, t);
                default -> session(cold, onRedis, sessionId, users, answers, t);
              };
          if (expectedPrompt == null) {
            expectedPrompt = m.prompt;
          } else if (!expectedPrompt.equals(m.prompt)) {
            throw new IllegalStateException(v + " formatted turn " + t + " differently");
          }
          if (round >= 0) {
            nanos.get(v)[round][t] = m.cost.nanos();
            last.get(v)[t] = m.cost;
          }
        }
      }
    }
    double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    if (redis != null) {
      redis.close();
    }

    System.out.printf(
        "SessionBenchmark: tokenizer=%s, %d turns, %d rounds (+%d warm-up), load average %.2f"
            + " -> %.2f, %d cores%n%n",
        tokenizer.source(),
        turns,
        rounds,
        warmup,
        loadBefore,
        loadAfter,
        Runtime.getRuntime().availableProcessors());
    System.out.println(
        "| variant | turn | median us (p25-p75) | tokenizer calls | client bytes | store bytes |");
    System.out.println("|---|---|---|---|---|---|");
    for (int t : new int[] {1, 10, 25, turns}) {
      if (t > turns) {
        continue;
      }
      for (String v : variants) {
        long[] col = new long[rounds];
        for (int r = 0; r < rounds; r++) {
          col[r] = nanos.get(v)[r][t - 1];
        }
        Cost c = last.get(v)[t - 1];
        System.out.printf(
            "| %s | %d | %s | %d | %d | %d |%n",
            v, t, spread(col), c.tokenizerCalls(), c.wireBytes(), c.storeBytes());
      }
    }
    System.out.println();
    System.out.println(
        "| variant | all turns: median ms (p25-p75) | tokenizer calls | client bytes | store bytes |");
    System.out.println("|---|---|---|---|---|");
    Map<String, Double> totals = new LinkedHashMap<>();
    for (String v : variants) {
      long[] sums = new long[rounds];
      for (int r = 0; r < rounds; r++) {
        sums[r] = Arrays.stream(nanos.get(v)[r]).sum();
      }
      long calls = 0;
      long wire = 0;
      long store = 0;
      for (Cost c : last.get(v)) {
        calls += c.tokenizerCalls();
        wire += c.wireBytes();
        store += c.storeBytes();
      }
      long[] sorted = sums.clone();
      Arrays.sort(sorted);
      totals.put(v, sorted[rounds / 2] / 1e6);
      System.out.printf(
          "| %s | %.1f (%.1f-%.1f) | %d | %d | %d |%n",
          v,
          sorted[rounds / 2] / 1e6,
          sorted[rounds / 4] / 1e6,
          sorted[(3 * rounds) / 4] / 1e6,
          calls,
          wire,
          store);
    }
    System.out.println();
    for (String v : variants) {
      if (v.startsWith("session")) {
        System.out.printf(
            "resend-cold / %s = %.1fx, resend-warm / %s = %.1fx%n",
            v,
            totals.get("resend-cold") / totals.get(v),
            v,
            totals.get("resend-warm") / totals.get(v));
      }
    }
  }

  private record Measured(Cost cost, String prompt) {}

  /** The whole history in the body, as a client without sessions sends it. */
  private static Measured resend(ContextFormatter f, String[] users, String[] answers, int t) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("system_prompt", SYSTEM);
    List<Map<String, String>> h = new ArrayList<>();
    for (int k = 0; k < t; k++) {
      h.add(Map.of("role", "user", "content", users[k]));
      h.add(Map.of("role", "assistant", "content", answers[k]));
    }
    body.put("conversation_history", h);
    body.put("user_input", users[t]);
    body.put("parameters", Map.of("max_tokens", 64));
    byte[] wire = ProtocolJson.write(body).getBytes(StandardCharsets.UTF_8);
    SegmentEncoder enc = f.catalog().defaultProfile().encoder();
    long misses = enc.stats().misses();
    long t0 = System.nanoTime();
    FormattedContext fc = f.format(wire);
    long took = System.nanoTime() - t0;
    return new Measured(new Cost(took, enc.stats().misses() - misses, wire.length, 0), fc.prompt());
  }

  /** Only the new input in the body; the history and its token ids come from the store. */
  private static Measured session(
      ContextFormatter f,
      ConversationStore store,
      String sessionId,
      String[] users,
      String[] answers,
      int t)
      throws Exception {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("session_id", sessionId);
    if (t == 0) {
      body.put("system_prompt", SYSTEM);
    }
    body.put("user_input", users[t]);
    body.put("parameters", Map.of("max_tokens", 64));
    byte[] wire = ProtocolJson.write(body).getBytes(StandardCharsets.UTF_8);
    SessionFormatter sessions = new SessionFormatter(f, store);
    SegmentEncoder enc = f.catalog().defaultProfile().encoder();
    long misses = enc.stats().misses();
    long t0 = System.nanoTime();
    ChatRequest req = f.parser().parse(wire);
    SessionFormatter.Prepared p = sessions.prepare("bench/key", req).join();
    sessions.commit(p, answers[t]).join();
    long took = System.nanoTime() - t0;
    // Store traffic, outside the clock: the turns read (all before this one) plus the one written,
    // i.e. every stored turn's JSON now.
    Session read = store.load(new SessionKey("bench/key", sessionId)).join();
    long storeBytes = 0;
    for (Turn turn : read.turns()) {
      storeBytes += JSON.writeValueAsBytes(turn).length;
    }
    return new Measured(
        new Cost(took, enc.stats().misses() - misses, wire.length, storeBytes),
        p.context().prompt());
  }

  private static String spread(long[] nanos) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    return String.format(
        "%.0f (%.0f-%.0f)",
        s[s.length / 2] / 1e3, s[s.length / 4] / 1e3, s[(3 * s.length) / 4] / 1e3);
  }
}
