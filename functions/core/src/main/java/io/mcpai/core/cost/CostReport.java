package io.mcpai.core.cost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.imageio.ImageIO;

/**
 * Spend from request logs (the gateway's JSON lines): totals by day (UTC), provider, model and key
 * as {@code cost.csv}, and {@code cost.png}, a stacked bar per day split by provider. Costs are the
 * logged {@code cost_usd} (see {@link ProviderPricing}); nothing is re-priced.
 *
 * <pre>{@code
 * mcp-batch cost --log logs/requests.jsonl [more.jsonl ...] --output cost-report/
 * }</pre>
 *
 * Lines that are not request records (bad JSON, another {@code v}, no {@code ts}) are skipped and
 * counted; the first few are named with file and line number.
 */
public final class CostReport {
  public static final String CSV = "cost.csv";
  public static final String PNG = "cost.png";
  public static final int WIDTH = 960;
  public static final int HEIGHT = 540;
  static final String NO_KEY = "(none)";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One group's totals. */
  public record Row(
      LocalDate day,
      String provider,
      String model,
      String key,
      long requests,
      long errors,
      long promptTokens,
      long completionTokens,
      double costUsd) {}

  /**
   * What was read and written.
   *
   * @param skipped lines that were not request records
   * @param problems the first few skipped lines: file, line number, why
   */
  public record Result(List<Row> rows, long records, long skipped, List<String> problems) {
    public double totalUsd() {
      return rows.stream().mapToDouble(Row::costUsd).sum();
    }
  }

  private record Group(LocalDate day, String provider, String model, String key)
      implements Comparable<Group> {
    @Override
    public int compareTo(Group o) {
      int c = day.compareTo(o.day);
      c = c != 0 ? c : provider.compareTo(o.provider);
      c = c != 0 ? c : model.compareTo(o.model);
      return c != 0 ? c : key.compareTo(o.key);
    }
  }

  private CostReport() {}

  /** Reads the logs, writes {@link #CSV} and {@link #PNG} into {@code outDir}. */
  public static Result run(List<Path> logs, Path outDir) throws IOException {
    Result r = read(logs);
    Files.createDirectories(outDir);
    writeCsv(r.rows(), outDir.resolve(CSV));
    ImageIO.write(chart(r.rows()), "png", outDir.resolve(PNG).toFile());
    return r;
  }

  public static Result read(List<Path> logs) throws IOException {
    Map<Group, long[]> counts = new TreeMap<>();
    Map<Group, double[]> costs = new TreeMap<>();
    long records = 0;
    long skipped = 0;
    List<String> problems = new ArrayList<>();
    for (Path log : logs) {
      try (BufferedReader in = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
        String line;
        int n = 0;
        while ((line = in.readLine()) != null) {
          n++;
          if (line.isBlank()) {
            continue;
          }
          String why;
          try {
            JsonNode j = JSON.readTree(line);
            why = check(j);
            if (why == null) {
              Group g = group(j);
              long[] c = counts.computeIfAbsent(g, x -> new long[4]);
              c[0]++;
              c[1] += j.path("status").asInt(200) == 200 ? 0 : 1;
              c[2] += j.path("prompt_tokens").asLong(0);
              c[3] += j.path("completion_tokens").asLong(0);
              costs.computeIfAbsent(g, x -> new double[1])[0] += j.path("cost_usd").asDouble(0);
              records++;
              continue;
            }
          } catch (IOException e) {
            why = "not JSON";
          }
          skipped++;
          if (problems.size() < 5) {
            problems.add(log + ":" + n + ": " + why);
          }
        }
      }
    }
    List<Row> rows = new ArrayList<>();
    counts.forEach(
        (g, c) ->
            rows.add(
                new Row(
                    g.day, g.provider, g.model, g.key, c[0], c[1], c[2], c[3], costs.get(g)[0])));
    return new Result(List.copyOf(rows), records, skipped, List.copyOf(problems));
  }

  private static String check(JsonNode j) {
    if (!j.isObject()) {
      return "not a JSON object";
    }
    if (j.path("v").asInt(-1) != 1) {
      return "field v: expected request-log version 1, got " + j.get("v");
    }
    if (!j.path("ts").isTextual()) {
      return "field ts: missing";
    }
    try {
      Instant.parse(j.get("ts").asText());
    } catch (RuntimeException e) {
      return "field ts: not an ISO-8601 instant: " + j.get("ts").asText();
    }
    if (j.has("cost_usd") && !j.get("cost_usd").isNumber()) {
      return "field cost_usd: not a number";
    }
    return null;
  }

  private static Group group(JsonNode j) {
    LocalDate day = Instant.parse(j.get("ts").asText()).atZone(ZoneOffset.UTC).toLocalDate();
    return new Group(day, text(j, "provider"), text(j, "model"), text(j, "key"));
  }

  private static String text(JsonNode j, String field) {
    JsonNode v = j.get(field);
    return v == null || v.isNull() || v.asText().isEmpty() ? NO_KEY : v.asText();
  }

  static void writeCsv(List<Row> rows, Path file) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("day,provider,model,key,requests,errors,prompt_tokens,completion_tokens,cost_usd\n");
      for (Row r : rows) {
        w.write(
            String.join(
                    ",",
                    r.day().toString(),
                    csv(r.provider()),
                    csv(r.model()),
                    csv(r.key()),
                    Long.toString(r.requests()),
                    Long.toString(r.errors()),
                    Long.toString(r.promptTokens()),
                    Long.toString(r.completionTokens()),
                    String.format(Locale.ROOT, "%.9f", r.costUsd()))
                + "\n");
      }
    }
  }

  private static String csv(String s) {
    return s.contains(",") || s.contains("\"") || s.contains("\n")
        ? '"' + s.replace("\"", "\"\"") + '"'
        : s;
  }

  /** A fixed palette, so a provider keeps its colour across reports (by sorted position). */
  static final Color[] PALETTE = {
    new Color(0x1f77b4),
    new Color(0xff7f0e),
    new Color(0x2ca02c),
    new Color(0xd62728),
    new Color(0x9467bd),
    new Color(0x8c564b),
    new Color(0xe377c2),
    new Color(0x7f7f7f)
  };

  /** Stacked bars: one per day, a segment per provider, heights in USD. */
  static BufferedImage chart(List<Row> rows) {
    TreeSet<LocalDate> days = new TreeSet<>();
    TreeSet<String> providers = new TreeSet<>();
    Map<LocalDate, Map<String, Double>> byDay = new TreeMap<>();
    for (Row r : rows) {
      days.add(r.day());
      providers.add(r.provider());
      byDay
          .computeIfAbsent(r.day(), d -> new TreeMap<>())
          .merge(r.provider(), r.costUsd(), Double::sum);
    }
    double max = 0;
    for (Map<String, Double> m : byDay.values()) {
      max = Math.max(max, m.values().stream().mapToDouble(Double::doubleValue).sum());
    }
    double scale = max > 0 ? max : 1; // all-zero spend: empty bars, not NaN
    BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, HEIGHT);
      int left = 80;
      int right = WIDTH - 180;
      int top = 50;
      int bottom = HEIGHT - 60;
      g.setColor(Color.DARK_GRAY);
      g.setStroke(new BasicStroke(1.5f));
      g.drawLine(left, bottom, right, bottom);
      g.drawLine(left, top, left, bottom);
      List<String> providerList = new ArrayList<>(providers);
      int n = Math.max(1, days.size());
      double slot = (right - left) / (double) n;
      int barWidth = (int) Math.max(1, slot * 0.7);
      int labelEvery = (n + 9) / 10; // at most ten dates fit under the axis
      int i = 0;
      for (LocalDate day : days) {
        int x = (int) (left + i * slot + (slot - barWidth) / 2);
        double stacked = 0;
        for (Map.Entry<String, Double> e : byDay.get(day).entrySet()) {
          int y0 = bottom - (int) Math.round(stacked / scale * (bottom - top));
          stacked += e.getValue();
          int y1 = bottom - (int) Math.round(stacked / scale * (bottom - top));
          g.setColor(PALETTE[providerList.indexOf(e.getKey()) % PALETTE.length]);
          g.fillRect(x, y1, barWidth, Math.max(0, y0 - y1));
        }
        if (i % labelEvery == 0) {
          label(g, day.toString(), x, bottom + 18, Color.DARK_GRAY, 11);
        }
        i++;
      }
      for (int k = 0; k < providerList.size(); k++) {
        g.setColor(PALETTE[k % PALETTE.length]);
        g.fillRect(right + 20, top + k * 22, 14, 14);
        label(g, providerList.get(k), right + 40, top + k * 22 + 12, Color.BLACK, 12);
      }
      label(g, "Spend per day by provider (USD)", left, 30, Color.BLACK, 16);
      label(g, String.format(Locale.ROOT, "%.4f", max), 8, top + 4, Color.DARK_GRAY, 11);
      label(g, "0", 60, bottom, Color.DARK_GRAY, 11);
    } finally {
      g.dispose();
    }
    return img;
  }

  /** Text, where the machine has fonts: a headless box without any still gets its bars. */
  private static void label(Graphics2D g, String s, int x, int y, Color c, int size) {
    try {
      g.setColor(c);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, size));
      g.drawString(s, x, y);
    } catch (RuntimeException | Error noFonts) {
      // fontconfig missing: keep the chart without labels
    }
  }

  /** {@code --log FILE... --output DIR}; exit status 2 on bad arguments. */
  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    int status = run(args, System.out, System.err);
    if (status != 0) {
      System.exit(status);
    }
  }

  /** The command: prints a summary, returns the exit status (0; 1 on I/O errors; 2 bad usage). */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    List<Path> logs = new ArrayList<>();
    Path output = null;
    String flag = null;
    for (String a : args) {
      if (a.equals("--log") || a.equals("--output")) {
        flag = a;
      } else if (a.startsWith("--")) {
        err.println("error: unknown option " + a + "\n" + usage());
        return 2;
      } else if ("--log".equals(flag)) {
        logs.add(Path.of(a));
      } else if ("--output".equals(flag) && output == null) {
        output = Path.of(a);
      } else {
        err.println("error: unexpected argument '" + a + "'\n" + usage());
        return 2;
      }
    }
    if (logs.isEmpty() || output == null) {
      err.println("error: " + (logs.isEmpty() ? "--log" : "--output") + " is required\n" + usage());
      return 2;
    }
    for (Path l : logs) {
      if (!Files.isRegularFile(l)) {
        err.println("error: --log " + l + ": no such file");
        return 2;
      }
    }
    try {
      Result r = run(logs, output);
      out.printf(
          Locale.ROOT,
          "%d requests, %.6f USD, %d rows -> %s, %s%n",
          r.records(),
          r.totalUsd(),
          r.rows().size(),
          output.resolve(CSV),
          output.resolve(PNG));
      if (r.skipped() > 0) {
        err.println("skipped " + r.skipped() + " lines that are not request records:");
        r.problems().forEach(p -> err.println("  " + p));
      }
      return 0;
    } catch (IOException e) {
      err.println("error: " + e);
      return 1;
    }
  }

  static String usage() {
    return "usage: cost --log FILE [FILE...] --output DIR";
  }
}
