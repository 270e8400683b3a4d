package io.mcpai.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The job's /metrics over a real socket, as Prometheus scrapes it (names from METRICS.md). */
class MetricsEndpointTest {
  @Test
  void servesTheJobsRecordsByOutcomeAndItsInputSize() throws Exception {
    String job = "metrics-" + System.nanoTime();
    Progress progress = new Progress(job);
    progress.add(Progress.LINES, 10);
    progress.add(Progress.DONE, 7);
    progress.inc(Progress.FAILED);
    progress.inc(Progress.INVALID);
    progress.add(Progress.PROMPT_TOKENS, 300);
    progress.add(Progress.COMPLETION_TOKENS, 21);
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort();
    }
    PrintStream log = new PrintStream(new ByteArrayOutputStream());
    try (MetricsEndpoint m = MetricsEndpoint.start(port, job, log)) {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      String body = r.body();
      assertTrue(
          body.contains("mcp_batch_records_total{job_id=\"" + job + "\",outcome=\"ok\"} 7"), body);
      assertTrue(
          body.contains("mcp_batch_records_total{job_id=\"" + job + "\",outcome=\"error\"} 2"),
          body);
      assertTrue(body.contains("mcp_batch_job_records{job_id=\"" + job + "\"} 10"), body);
      assertTrue(
          body.contains("mcp_batch_tokens_total{job_id=\"" + job + "\",kind=\"prompt\"} 300"),
          body);
      assertTrue(
          body.contains("mcp_batch_tokens_total{job_id=\"" + job + "\",kind=\"completion\"} 21"),
          body);
      // A second job on the same port is told, and runs without metrics.
      assertNull(MetricsEndpoint.start(port, job, log));
    } finally {
      Progress.reset(job);
    }
    assertNull(MetricsEndpoint.start(0, job, log), "port 0 means off");
  }
}
