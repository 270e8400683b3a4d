package io.mcpai.app.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Reads the alert rules and dashboards under {@code observability/} and lists every PromQL
 * expression with the metric names it selects; checks those names against what running processes
 * export.
 */
public final class ObservabilityFiles {

  /** One expression: in which file, where in it, and the metric names it selects. */
  public record MetricUse(Path file, String where, String expr, Set<String> names) {}

  /** A name no process exports, with where it is used. */
  public record Finding(Path file, String where, String expr, String metric, String why) {
    @Override
    public String toString() {
      return file
          + " "
          + where
          + ": metric '"
          + metric
          + "' "
          + why
          + "\n    expr: "
          + expr.strip();
    }
  }

  /** Series Prometheus itself makes, never exported by a target. */
  static final Set<String> PROMETHEUS_SYNTHETIC =
      Set.of(
          "up",
          "scrape_duration_seconds",
          "scrape_samples_scraped",
          "scrape_series_added",
          "ALERTS",
          "ALERTS_FOR_STATE");

  private static final ObjectMapper JSON = new ObjectMapper();

  private ObservabilityFiles() {}

  /** The repository's {@code observability/} folder, found from the working directory up. */
  public static Path root() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("observability/prometheus/alerts.yml"))) {
        return p.resolve("observability");
      }
    }
    throw new IllegalStateException("no observability/prometheus/alerts.yml above " + Path.of(""));
  }

  static Object yaml(Path file) throws IOException {
    try (Reader r = Files.newBufferedReader(file)) {
      return new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
    }
  }

  /** Every rule's expression; a rule without {@code alert}/{@code record} or {@code expr} fails. */
  public static List<MetricUse> rules(Path file) throws IOException {
    List<MetricUse> out = new ArrayList<>();
    if (!(yaml(file) instanceof Map<?, ?> top) || !(top.get("groups") instanceof List<?> groups)) {
      throw new IllegalArgumentException(file + ": expected a top-level 'groups:' list");
    }
    for (Object g : groups) {
      Map<?, ?> group = (Map<?, ?>) g;
      for (Object r : (List<?>) group.get("rules")) {
        Map<?, ?> rule = (Map<?, ?>) r;
        Object name = rule.containsKey("alert") ? rule.get("alert") : rule.get("record");
        if (name == null || !(rule.get("expr") instanceof String expr)) {
          throw new IllegalArgumentException(
              file
                  + ": group "
                  + group.get("name")
                  + " has a rule without a name or expr: "
                  + rule);
        }
        String where = "group " + group.get("name") + ", rule " + name;
        out.add(new MetricUse(file, where, expr, names(file, where, expr)));
      }
    }
    return out;
  }

  /** Every panel target's expression (rows' nested panels included). */
  public static List<MetricUse> dashboard(Path file) throws IOException {
    JsonNode d = JSON.readTree(file.toFile());
    if (!d.path("uid").isTextual() || !d.path("title").isTextual() || !d.has("panels")) {
      throw new IllegalArgumentException(file + ": a dashboard needs uid, title and panels");
    }
    List<MetricUse> out = new ArrayList<>();
    collectPanels(file, d.get("panels"), out);
    return out;
  }

  private static void collectPanels(Path file, JsonNode panels, List<MetricUse> out) {
    for (JsonNode p : panels) {
      if (p.has("panels")) {
        collectPanels(file, p.get("panels"), out);
      }
      for (JsonNode t : p.path("targets")) {
        String expr = t.path("expr").asText("");
        if (expr.isBlank()) {
          continue;
        }
        String where =
            "panel '" + p.path("title").asText() + "' target " + t.path("refId").asText();
        out.add(new MetricUse(file, where, expr, names(file, where, expr)));
      }
    }
  }

  private static Set<String> names(Path file, String where, String expr) {
    try {
      return PromQlMetricNames.of(expr);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + " " + where + ": " + e.getMessage(), e);
    }
  }

  /** Every expression in {@code observability/}: alert rules and all dashboards. */
  public static List<MetricUse> all(Path root) throws IOException {
    List<MetricUse> out = new ArrayList<>(rules(root.resolve("prometheus/alerts.yml")));
    for (Path d : dashboards(root)) {
      out.addAll(dashboard(d));
    }
    return out;
  }

  public static List<Path> dashboards(Path root) throws IOException {
    try (Stream<Path> s = Files.list(root.resolve("grafana/dashboards"))) {
      return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
  }

  /** Names and reasons from the allow-list file ({@code name reason} per line, # comments). */
  public static Map<String, String> allowList(Path file) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      String[] f = l.split("\\s+", 2);
      if (f.length < 2 || f[1].isBlank()) {
        throw new IllegalArgumentException(file + ": '" + f[0] + "' needs a reason");
      }
      out.put(f[0], f[1].strip());
    }
    return out;
  }

  /** The sample names in a Prometheus text exposition ({@code _bucket}, {@code _total}, ...). */
  public static Set<String> exported(String exposition) {
    Set<String> names = new TreeSet<>();
    for (String line : exposition.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int end = 0;
      while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
        end++;
      }
      names.add(line.substring(0, end));
    }
    return names;
  }

  /** Names a histogram/summary family line covers: itself and its _bucket, _sum, _count. */
  static boolean covered(String metric, Set<String> families) {
    if (families.contains(metric)) {
      return true;
    }
    for (String suffix : List.of("_bucket", "_sum", "_count", "_max")) {
      if (metric.endsWith(suffix)
          && families.contains(metric.substring(0, metric.length() - suffix.length()))) {
        return true;
      }
    }
    return false;
  }

  /** Every use of a metric that is neither exported, synthetic, nor allow-listed. */
  public static List<Finding> check(
      List<MetricUse> uses, Set<String> exported, Map<String, String> allowed) {
    List<Finding> out = new ArrayList<>();
    for (MetricUse u : uses) {
      for (String m : u.names()) {
        if (exported.contains(m)
            || PROMETHEUS_SYNTHETIC.contains(m)
            || covered(m, allowed.keySet())) {
          continue;
        }
        String why = "is not exported by the running gateway or endpoint";
        if (exported.contains(m + "_bucket")) {
          why = "is a histogram: query " + m + "_bucket, _sum or _count";
        }
        out.add(new Finding(u.file(), u.where(), u.expr(), m, why));
      }
    }
    return out;
  }
}
