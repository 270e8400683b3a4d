package io.mcpai.batch;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /metrics} in Prometheus text format while a job runs in this JVM ({@code
 * --metricsPort}; the observability stack scrapes :8004): the job's records by outcome, the records
 * its input holds and the tokens of its answers, read from the same JVM-local counts as the
 * progress line. A port that is taken is reported and skipped: metrics never stop a job.
 */
final class MetricsEndpoint implements AutoCloseable {
  private final HttpServer server;

  private MetricsEndpoint(HttpServer server) {
    this.server = server;
  }

  /** Serves the job's metrics on {@code port}; null when port is 0 or cannot be bound. */
  static MetricsEndpoint start(int port, String jobId, PrintStream log) {
    if (port <= 0) {
      return null;
    }
    try {
      HttpServer s = HttpServer.create(new InetSocketAddress(port), 8);
      s.createContext(
          "/metrics",
          ex -> {
            byte[] body = scrape(jobId).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("content-type", "text/plain; version=0.0.4; charset=utf-8");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream o = ex.getResponseBody()) {
              o.write(body);
            }
          });
      s.start();
      log.printf("metrics: http://0.0.0.0:%d/metrics%n", s.getAddress().getPort());
      return new MetricsEndpoint(s);
    } catch (IOException e) {
      log.printf("metrics: port %d unavailable (%s); running without%n", port, e.getMessage());
      return null;
    }
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** The job's metrics, names as observability/METRICS.md lists them. */
  static String scrape(String jobId) {
    String job = "job_id=\"" + jobId.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    long ok = Progress.get(jobId, Progress.DONE);
    // Failed calls and refused lines both end in errors.jsonl.
    long error = Progress.get(jobId, Progress.FAILED) + Progress.get(jobId, Progress.INVALID);
    return "# HELP mcp_batch_records_total records finished by this job, by outcome\n"
        + "# TYPE mcp_batch_records_total counter\n"
        + "mcp_batch_records_total{"
        + job
        + ",outcome=\"ok\"} "
        + ok
        + "\n"
        + "mcp_batch_records_total{"
        + job
        + ",outcome=\"error\"} "
        + error
        + "\n"
        + "# HELP mcp_batch_job_records lines read from the job's input so far\n"
        + "# TYPE mcp_batch_job_records gauge\n"
        + "mcp_batch_job_records{"
        + job
        + "} "
        + Progress.get(jobId, Progress.LINES)
        + "\n"
        + "# HELP mcp_batch_tokens_total tokens of the prompts this job answered, by kind\n"
        + "# TYPE mcp_batch_tokens_total counter\n"
        + "mcp_batch_tokens_total{"
        + job
        + ",kind=\"prompt\"} "
        + Progress.get(jobId, Progress.PROMPT_TOKENS)
        + "\n"
        + "mcp_batch_tokens_total{"
        + job
        + ",kind=\"completion\"} "
        + Progress.get(jobId, Progress.COMPLETION_TOKENS)
        + "\n";
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
