package io.mcpai.batch.learn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the gateway's request log (JSON lines, {@code "v": 1}, schema in the README) and the batch
 * pipeline's results into {@link Observation}s, one per provider try, in time order, each with its
 * provider's recent error rate (over its previous {@value #RECENT} tries). Lines of another
 * version, or unreadable, are counted and skipped.
 */
public final class RequestLogReader {
  static final int RECENT = 50;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What was read. */
  public record Read(List<Observation> observations, long rows, long skipped) {}

  private RequestLogReader() {}

  public static Read read(List<Path> files) throws IOException {
    List<Observation> out = new ArrayList<>();
    long rows = 0;
    long skipped = 0;
    for (Path f : files) {
      long fallbackTs = Files.getLastModifiedTime(f).toMillis();
      try (BufferedReader r = Files.newBufferedReader(f)) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          if (line.isBlank()) {
            continue;
          }
          rows++;
          try {
            if (!add(JSON.readTree(line), fallbackTs, out)) {
              skipped++;
            }
          } catch (IOException | RuntimeException e) {
            skipped++;
          }
        }
      }
    }
    out.sort(Comparator.comparingLong(Observation::epochMillis));
    return new Read(withRecentErrorRates(out), rows, skipped);
  }

  private static boolean add(JsonNode n, long fallbackTs, List<Observation> out) {
    if (n.has("custom_id")) {
      // A batch result line: one successful try at its provider.
      if (!n.path("provider").isTextual() || !n.has("latency_ms")) {
        return false;
      }
      out.add(
          new Observation(
              n.get("provider").asText(),
              null,
              fallbackTs,
              n.at("/usage/prompt_tokens").asInt(),
              n.at("/usage/completion_tokens").asInt(),
              true,
              n.get("latency_ms").asDouble(),
              0,
              0));
      return true;
    }
    if (n.path("v").asInt() != 1 || !n.path("ts").isTextual()) {
      return false;
    }
    long ts = Instant.parse(n.get("ts").asText()).toEpochMilli();
    String provider = n.path("provider").asText(null);
    String region = n.path("region").isTextual() ? n.get("region").asText() : null;
    int prompt = n.path("prompt_tokens").asInt();
    int completion = n.path("completion_tokens").asInt();
    int status = n.path("status").asInt();
    JsonNode attempts = n.path("attempts");
    if (attempts.isArray() && !attempts.isEmpty()) {
      for (JsonNode a : attempts) {
        String outcome = a.path("outcome").asText();
        if (outcome.equals("breaker_open") || outcome.equals("retry_budget_exhausted")) {
          continue; // not a try: nothing was sent
        }
        boolean ok = outcome.equals("ok");
        String p = a.path("provider").asText();
        out.add(
            new Observation(
                p,
                p.equals(provider) ? region : null,
                ts,
                prompt,
                ok ? completion : 0,
                ok,
                a.path("ms").asDouble(),
                ok ? n.path("cost_usd").asDouble() : 0,
                0));
      }
      return true;
    }
    if (provider == null || status == 0 || status == 422 || status == 400 || status == 413) {
      return false; // refused before routing, or the request's own fault: says nothing
    }
    boolean ok = status == 200;
    double ms = n.path("upstream_ms").asDouble(n.path("latency_ms").asDouble());
    out.add(
        new Observation(
            provider,
            region,
            ts,
            prompt,
            ok ? completion : 0,
            ok,
            ms,
            ok ? n.path("cost_usd").asDouble() : 0,
            0));
    return true;
  }

  private static List<Observation> withRecentErrorRates(List<Observation> sorted) {
    Map<String, Deque<Boolean>> recent = new HashMap<>();
    List<Observation> out = new ArrayList<>(sorted.size());
    for (Observation o : sorted) {
      Deque<Boolean> d = recent.computeIfAbsent(o.provider(), k -> new ArrayDeque<>());
      double rate = d.isEmpty() ? 0 : d.stream().filter(ok -> !ok).count() / (double) d.size();
      out.add(o.withRecentErrorRate(rate));
      d.addLast(o.ok());
      if (d.size() > RECENT) {
        d.removeFirst();
      }
    }
    return out;
  }
}
