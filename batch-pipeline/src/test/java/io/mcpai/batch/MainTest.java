package io.mcpai.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jar's command dispatch: {@code cost} reaches core's report; bad usage is exit status 2. */
class MainTest {
  @TempDir Path dir;

  @Test
  void costWritesTheCsvAndAPngFromARequestLog() throws Exception {
    Path log = dir.resolve("requests.jsonl");
    String rec =
        "{\"v\":1,\"ts\":\"2026-11-24T10:00:00Z\",\"request_id\":\"r\",\"api\":\"generate\","
            + "\"stream\":false,\"model\":\"llama-2-7b-chat\",\"provider\":\"%s\","
            + "\"kind\":\"lmi-http\",\"region\":null,\"status\":200,\"error\":null,"
            + "\"prompt_tokens\":10,\"completion_tokens\":5,\"latency_ms\":1.0,\"ttft_ms\":null,"
            + "\"upstream_ms\":1.0,\"retries\":0,\"attempts\":[],\"cost_usd\":%s,"
            + "\"tenant\":\"t\",\"key\":\"k\"}";
    Files.write(log, List.of(rec.formatted("aws", "0.5"), rec.formatted("gcp", "0.25")));
    Path out = dir.resolve("report");

    assertEquals(
        0,
        Main.dispatch(new String[] {"cost", "--log", log.toString(), "--output", out.toString()}));

    String csv = Files.readString(out.resolve("cost.csv"));
    assertTrue(csv.contains("aws") && csv.contains("gcp"), csv);
    BufferedImage png = ImageIO.read(out.resolve("cost.png").toFile());
    assertTrue(png != null && png.getWidth() > 0, "cost.png is not a readable image");
  }

  @Test
  void badUsageIsExitStatusTwo() throws Exception {
    assertEquals(2, Main.dispatch(new String[] {"frobnicate"}));
    assertEquals(2, Main.dispatch(new String[] {"cost", "--log", dir.resolve("none").toString()}));
    assertEquals(2, Main.dispatch(new String[] {}));
  }
}
