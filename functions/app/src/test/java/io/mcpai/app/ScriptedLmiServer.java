package io.mcpai.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.mcpai.core.protocol.ProtocolJson;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * A real LMI server on 127.0.0.1 (JDK HttpServer) whose answers are numbered, {@code reply N}, so a
 * test can tell which call produced what, and which records every prompt it was sent, so a test can
 * check what history the gateway put in front of the model. Streams as LMI JSON lines.
 */
final class ScriptedLmiServer implements AutoCloseable {
  private final HttpServer server;
  private final ExecutorService pool = Executors.newFixedThreadPool(16);
  final AtomicInteger invocations = new AtomicInteger();
  final List<String> inputs = new CopyOnWriteArrayList<>();
  volatile long delayMillis;
  // Streams send their first token, then nothing more until the client goes (or 20 s pass).
  volatile boolean stallStreams;
  private final java.util.concurrent.CountDownLatch closed =
      new java.util.concurrent.CountDownLatch(1);

  ScriptedLmiServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(pool);
    server.createContext("/ping", ex -> send(ex, "{\"status\":\"healthy\"}"));
    server.createContext("/invocations", this::invoke);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The gateway's settings with this as its only provider, no request log, no health probes. */
  void provide(DynamicPropertyRegistry props) {
    props.add("MCP_MODEL_SERVICE_AWS", this::url);
    props.add("MCP_REQUEST_LOG", () -> "off");
    props.add("MCP_HEALTH_INTERVAL_MS", () -> "0");
  }

  String lastInput() {
    return inputs.get(inputs.size() - 1);
  }

  private void invoke(HttpExchange ex) throws IOException {
    JsonNode req = ProtocolJson.mapper().readTree(ex.getRequestBody().readAllBytes());
    inputs.add(req.path("inputs").asText());
    int n = invocations.incrementAndGet();
    if (delayMillis > 0) {
      try {
        Thread.sleep(delayMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (stallStreams && req.path("stream").asBoolean(false)) {
      ex.getResponseHeaders().set("content-type", "application/jsonlines");
      ex.sendResponseHeaders(200, 0);
      try (OutputStream o = ex.getResponseBody()) {
        o.write("{\"token\":{\"text\":\"reply \"}}\n".getBytes(StandardCharsets.UTF_8));
        o.flush();
        closed.await(20, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException | IOException gone) {
        // The gateway hung up: the point of a stalled stream.
      }
      return;
    }
    String details = "\"details\":{\"finish_reason\":\"eos_token\",\"generated_tokens\":2}";
    if (!req.path("stream").asBoolean(false)) {
      send(ex, "{\"generated_text\":\"reply " + n + "\"," + details + "}");
      return;
    }
    send(
        ex,
        "{\"token\":{\"text\":\"reply \"}}\n{\"token\":{\"text\":\""
            + n
            + "\"}}\n{\"generated_text\":\"reply "
            + n
            + "\","
            + details
            + "}\n");
  }

  private static void send(HttpExchange ex, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("content-type", "application/json");
    ex.sendResponseHeaders(200, b.length);
    try (OutputStream o = ex.getResponseBody()) {
      o.write(b);
    }
  }

  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
    pool.shutdownNow();
  }
}
