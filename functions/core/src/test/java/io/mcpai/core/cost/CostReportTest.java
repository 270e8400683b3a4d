package io.mcpai.core.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CostReportTest {
  @TempDir Path dir;

  @BeforeAll
  static void headless() {
    System.setProperty("java.awt.headless", "true");
  }

  private static String line(
      String ts, String provider, String model, String key, int status, int p, int c, double usd) {
    return ("{\"v\":1,\"ts\":\"%s\",\"request_id\":\"r\",\"api\":\"generate\",\"stream\":false,"
            + "\"model\":\"%s\",\"provider\":\"%s\",\"kind\":\"lmi-http\",\"region\":null,"
            + "\"status\":%d,\"error\":null,\"prompt_tokens\":%d,\"completion_tokens\":%d,"
            + "\"latency_ms\":1.0,\"ttft_ms\":null,\"upstream_ms\":1.0,\"retries\":0,"
            + "\"attempts\":[],\"cost_usd\":%s,\"tenant\":\"t\",\"key\":%s}")
        .formatted(
            ts, model, provider, status, p, c, usd, key == null ? "null" : "\"" + key + "\"");
  }

  @Test
  void sumsCostByDayProviderModelAndKeyAndDrawsARealPng() throws Exception {
    Path a = dir.resolve("a.jsonl");
    Path b = dir.resolve("b.jsonl");
    Files.write(
        a,
        List.of(
            line("2025-03-01T10:00:00Z", "aws", "llama-2-7b-chat", "k1", 200, 100, 20, 0.25),
            line("2025-03-01T23:59:59.999Z", "aws", "llama-2-7b-chat", "k1", 200, 50, 10, 0.5),
            line("2025-03-01T12:00:00Z", "gcp", "llama-2-7b-chat", "k2", 502, 40, 0, 0.0),
            "not json at all",
            "{\"v\":2,\"ts\":\"2025-03-01T00:00:00Z\"}"));
    Files.write(
        b,
        List.of(
            line("2025-03-02T00:00:00Z", "aws", "llama-2-7b-chat", "k1", 200, 10, 10, 2.0),
            line("2025-03-02T08:00:00Z", "azure", "llama-2-13b-chat", null, 200, 1, 1, 1.25),
            "",
            line("2025-03-03T08:00:00Z", "gcp", "llama-2-7b-chat", "k2", 200, 5, 5, 0.75)));
    Path out = dir.resolve("report");

    CostReport.Result r = CostReport.run(List.of(a, b), out);

    assertThat(r.records()).isEqualTo(6);
    assertThat(r.skipped()).isEqualTo(2);
    assertThat(r.problems())
        .containsExactly(
            a + ":4: not JSON", a + ":5: field v: expected request-log version 1, got 2");
    List<String> csv = Files.readAllLines(out.resolve(CostReport.CSV));
    assertThat(csv.get(0))
        .isEqualTo(
            "day,provider,model,key,requests,errors,prompt_tokens,completion_tokens,cost_usd");
    assertThat(csv.subList(1, csv.size()))
        .containsExactly(
            "2025-03-01,aws,llama-2-7b-chat,k1,2,0,150,30,0.750000000",
            "2025-03-01,gcp,llama-2-7b-chat,k2,1,1,40,0,0.000000000",
            "2025-03-02,aws,llama-2-7b-chat,k1,1,0,10,10,2.000000000",
            "2025-03-02,azure,llama-2-13b-chat,(none),1,0,1,1,1.250000000",
            "2025-03-03,gcp,llama-2-7b-chat,k2,1,0,5,5,0.750000000");
    double csvTotal = 0;
    Map<String, Double> byKey = new HashMap<>();
    for (String row : csv.subList(1, csv.size())) {
      String[] f = row.split(",");
      csvTotal += Double.parseDouble(f[8]);
      byKey.merge(f[3], Double.parseDouble(f[8]), Double::sum);
    }
    assertThat(csvTotal).isCloseTo(0.25 + 0.5 + 2.0 + 1.25 + 0.75, within(1e-9));
    assertThat(byKey).containsEntry("k1", 2.75).containsEntry("k2", 0.75);

    BufferedImage png = ImageIO.read(out.resolve(CostReport.PNG).toFile());
    assertThat(png).isNotNull();
    assertThat(png.getWidth()).isEqualTo(CostReport.WIDTH);
    assertThat(png.getHeight()).isEqualTo(CostReport.HEIGHT);
    // Providers sort aws, azure, gcp: each gets its palette colour in bars and legend.
    Map<Integer, Integer> colours = new HashMap<>();
    for (int y = 0; y < png.getHeight(); y++) {
      for (int x = 0; x < png.getWidth(); x++) {
        colours.merge(png.getRGB(x, y) & 0xFFFFFF, 1, Integer::sum);
      }
    }
    int aws = colours.getOrDefault(CostReport.PALETTE[0].getRGB() & 0xFFFFFF, 0);
    int azure = colours.getOrDefault(CostReport.PALETTE[1].getRGB() & 0xFFFFFF, 0);
    int gcp = colours.getOrDefault(CostReport.PALETTE[2].getRGB() & 0xFFFFFF, 0);
    assertThat(aws).isGreaterThan(azure).isGreaterThan(gcp).isGreaterThan(14 * 14);
    assertThat(colours.getOrDefault(0xFFFFFF, 0)).isLessThan(png.getWidth() * png.getHeight());
  }

  @Test
  void theCommandTakesLogsAndAnOutputDirectoryAndRefusesBadArguments() throws Exception {
    Path log = dir.resolve("requests.jsonl");
    Files.write(log, List.of(line("2025-03-01T10:00:00Z", "aws", "m", "k", 200, 1, 1, 0.125)));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        CostReport.run(
            new String[] {"--log", log.toString(), "--output", dir.resolve("r").toString()},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("1 requests, 0.125000 USD, 1 rows");
    assertThat(dir.resolve("r").resolve(CostReport.PNG)).isRegularFile();

    err.reset();
    assertThat(
            CostReport.run(
                new String[] {"--log", log.toString()},
                System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8)))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--output is required");
    err.reset();
    assertThat(
            CostReport.run(
                new String[] {"--log", "missing.jsonl", "--output", "x"},
                System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8)))
        .isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--log missing.jsonl: no such file");
  }
}
