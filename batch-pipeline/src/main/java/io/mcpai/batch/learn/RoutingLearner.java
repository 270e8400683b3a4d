package io.mcpai.batch.learn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Learns routing weights from observations: per provider, Tribuo models of latency and failure
 * ({@link ProviderModels}), trained on the older rows; each provider's score is what a typical
 * recent request is expected to cost there,
 *
 * <pre>
 *   score = latencyWeight × E[latency ms] + failurePenaltyMs × P(failure) + costWeight × E[cost USD]
 * </pre>
 *
 * and its weight is {@code (best score / score)^sharpness}, floored at {@code minWeight} of the
 * best so every provider keeps a trickle of traffic (and of data). The newer rows are held out:
 * they measure the models' error and replay traffic under the learned and the equal weights.
 */
public final class RoutingLearner {

  /** How scores become weights. */
  public record Settings(
      double latencyWeight,
      double failurePenaltyMs,
      double costWeightMsPerUsd,
      double sharpness,
      double minWeight,
      double holdout,
      int replayRequests,
      int maxAttempts,
      long seed) {
    public static Settings defaults() {
      return new Settings(1.0, 2000, 0, 4, 0.02, 0.2, 20000, 3, 1);
    }
  }

  /** One provider's numbers in the report. */
  public record ProviderReport(
      int trainTries,
      int heldOutTries,
      double expectedLatencyMs,
      double failureProbability,
      double costUsd,
      double score,
      double weight,
      double latencyMaeMs,
      double latencyBaselineMaeMs,
      double failureLogLoss,
      double failureBaselineLogLoss,
      double heldOutFailureRate) {}

  /** Replayed traffic under one set of weights. */
  /**
   * @param failureRate requests no try answered
   * @param failoverRate requests whose first try failed (answered by a later one, or not at all)
   */
  public record Replay(
      double p50Ms, double p99Ms, double failureRate, double failoverRate, double meanCostUsd) {}

  /** Everything learned. */
  public record Result(
      Map<String, Double> weights,
      Map<String, ProviderReport> providers,
      Map<String, ProviderModels> models,
      Replay learned,
      Replay equal,
      int trainTries,
      int heldOutTries) {}

  private RoutingLearner() {}

  public static Result learn(List<Observation> sortedByTime, Settings s) {
    if (sortedByTime.size() < 20) {
      throw new IllegalArgumentException(
          "only " + sortedByTime.size() + " provider tries in the logs; need at least 20");
    }
    int cut = (int) Math.round(sortedByTime.size() * (1 - s.holdout()));
    cut = Math.max(10, Math.min(sortedByTime.size() - 1, cut));
    List<Observation> train = sortedByTime.subList(0, cut);
    List<Observation> held = sortedByTime.subList(cut, sortedByTime.size());
    Map<String, List<Observation>> trainBy = byProvider(train);
    Map<String, List<Observation>> heldBy = byProvider(held);

    // The workload to score on: the most recent training tries, whatever their provider.
    List<Observation> workload = train.subList(Math.max(0, train.size() - 1000), train.size());
    Map<String, ProviderModels> models = new LinkedHashMap<>();
    Map<String, double[]> scored = new LinkedHashMap<>();
    for (Map.Entry<String, List<Observation>> e : trainBy.entrySet()) {
      String p = e.getKey();
      List<Observation> obs = e.getValue();
      ProviderModels m = ProviderModels.train(p, obs, s.seed());
      models.put(p, m);
      double currentErrorRate = obs.get(obs.size() - 1).recentErrorRate();
      double lat = 0;
      double fail = 0;
      for (Observation w : workload) {
        Observation asP = w.withRecentErrorRate(currentErrorRate);
        lat += m.latencyMs(asP);
        fail += m.failureProbability(asP);
      }
      lat /= workload.size();
      fail /= workload.size();
      double cost =
          obs.stream()
              .filter(Observation::ok)
              .mapToDouble(Observation::costUsd)
              .average()
              .orElse(0);
      double score =
          s.latencyWeight() * lat + s.failurePenaltyMs() * fail + s.costWeightMsPerUsd() * cost;
      scored.put(p, new double[] {lat, fail, cost, Math.max(score, 1e-6)});
    }
    double best = scored.values().stream().mapToDouble(v -> v[3]).min().orElse(1);
    Map<String, Double> raw = new TreeMap<>();
    scored.forEach(
        (p, v) -> raw.put(p, Math.max(s.minWeight(), Math.pow(best / v[3], s.sharpness()))));
    double sum = raw.values().stream().mapToDouble(Double::doubleValue).sum();
    Map<String, Double> weights = new TreeMap<>();
    raw.forEach((p, w) -> weights.put(p, Math.round(w / sum * 10000) / 10000.0));

    Map<String, ProviderReport> reports = new TreeMap<>();
    for (String p : models.keySet()) {
      ProviderModels m = models.get(p);
      List<Observation> h = heldBy.getOrDefault(p, List.of());
      double[] v = scored.get(p);
      reports.put(
          p,
          new ProviderReport(
              trainBy.get(p).size(),
              h.size(),
              round(v[0]),
              round(v[1]),
              v[2],
              round(v[3]),
              weights.get(p),
              round(latencyMae(h, m::latencyMs)),
              round(latencyMae(h, o -> m.meanLatencyMs)),
              round(logLoss(h, m::failureProbability)),
              round(logLoss(h, o -> m.failureRate)),
              round(
                  h.isEmpty()
                      ? Double.NaN
                      : h.stream().filter(o -> !o.ok()).count() / (double) h.size())));
    }
    Map<String, Double> equal = new TreeMap<>();
    models.keySet().forEach(p -> equal.put(p, 1.0));
    // Replay on held-out tries; a provider with none there is replayed on its training tries.
    Map<String, List<Observation>> pool = new LinkedHashMap<>();
    for (String p : models.keySet()) {
      List<Observation> h = heldBy.get(p);
      pool.put(p, h == null || h.isEmpty() ? trainBy.get(p) : h);
    }
    return new Result(
        weights,
        reports,
        models,
        replay(pool, weights, s),
        replay(pool, equal, s),
        train.size(),
        held.size());
  }

  private static Map<String, List<Observation>> byProvider(List<Observation> obs) {
    Map<String, List<Observation>> by = new TreeMap<>();
    for (Observation o : obs) {
      by.computeIfAbsent(o.provider(), k -> new ArrayList<>()).add(o);
    }
    return by;
  }

  private static double latencyMae(
      List<Observation> held, java.util.function.ToDoubleFunction<Observation> predict) {
    return held.stream()
        .filter(Observation::ok)
        .mapToDouble(o -> Math.abs(predict.applyAsDouble(o) - o.ms()))
        .average()
        .orElse(Double.NaN);
  }

  private static double logLoss(
      List<Observation> held, java.util.function.ToDoubleFunction<Observation> pFail) {
    return held.stream()
        .mapToDouble(
            o -> {
              double p = Math.min(1 - 1e-6, Math.max(1e-6, pFail.applyAsDouble(o)));
              return -(o.ok() ? Math.log(1 - p) : Math.log(p));
            })
        .average()
        .orElse(Double.NaN);
  }

  /**
   * Replays {@code replayRequests} requests: providers drawn in weighted order without replacement
   * (as the router's plan), each try's outcome and time drawn from that provider's held-out tries,
   * up to {@code maxAttempts} tries. The same random stream for every weighting, so the difference
   * is the weights'.
   */
  static Replay replay(
      Map<String, List<Observation>> pool, Map<String, Double> weights, Settings s) {
    Random rnd = new Random(s.seed());
    List<String> names = new ArrayList<>(pool.keySet());
    double[] latencies = new double[s.replayRequests()];
    int failed = 0;
    int failedOver = 0;
    double cost = 0;
    for (int i = 0; i < s.replayRequests(); i++) {
      double[] key = new double[names.size()];
      for (int j = 0; j < names.size(); j++) {
        double w = weights.getOrDefault(names.get(j), 0.0);
        key[j] = w > 0 ? -Math.log(1 - rnd.nextDouble()) / w : Double.MAX_VALUE;
      }
      Integer[] order = new Integer[names.size()];
      for (int j = 0; j < order.length; j++) {
        order[j] = j;
      }
      Arrays.sort(order, (a, b) -> Double.compare(key[a], key[b]));
      double t = 0;
      boolean ok = false;
      for (int a = 0; a < Math.min(s.maxAttempts(), order.length) && !ok; a++) {
        List<Observation> h = pool.get(names.get(order[a]));
        Observation o = h.get(rnd.nextInt(h.size()));
        t += o.ms();
        if (o.ok()) {
          ok = true;
          cost += o.costUsd();
        } else if (a == 0) {
          failedOver++;
        }
      }
      if (!ok) {
        failed++;
      }
      latencies[i] = t;
    }
    Arrays.sort(latencies);
    return new Replay(
        round(percentile(latencies, 0.50)),
        round(percentile(latencies, 0.99)),
        round((double) failed / s.replayRequests()),
        round((double) failedOver / s.replayRequests()),
        cost / s.replayRequests());
  }

  private static double percentile(double[] sorted, double q) {
    return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
  }

  private static double round(double v) {
    return Double.isNaN(v) ? v : Math.round(v * 10000) / 10000.0;
  }
}
