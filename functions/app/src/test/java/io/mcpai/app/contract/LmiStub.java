package io.mcpai.app.contract;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real LMI server on 127.0.0.1 (JDK HttpServer, a real socket) standing in for SageMaker, Vertex
 * and Azure ML: {@code GET /ping}, and {@code POST /invocations} answering a fixed completion,
 * whole or as JSON lines when the request asks to stream. Cheap to start, so every runner in the
 * cross-adapter suite gets a provider that answers for real.
 */
public final class LmiStub implements AutoCloseable {
  public static final String TEXT = "Hello from the stub";
  private static LmiStub shared;

  private final HttpServer server;
  private final ExecutorService pool = Executors.newFixedThreadPool(4);
  public final AtomicInteger invocations = new AtomicInteger();

  private LmiStub() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(pool);
    server.createContext("/ping", ex -> send(ex, "application/json", "{\"status\":\"healthy\"}"));
    server.createContext("/invocations", this::invoke);
    server.start();
  }

  /** One stub per test JVM, started on first use. */
  public static synchronized LmiStub shared() {
    if (shared == null) {
      try {
        shared = new LmiStub();
      } catch (IOException e) {
        throw new IllegalStateException("cannot start the LMI stub", e);
      }
    }
    return shared;
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void invoke(HttpExchange ex) throws IOException {
    String request = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    invocations.incrementAndGet();
    if (request.contains("\"stream\":true")) {
      StringBuilder lines = new StringBuilder();
      String[] words = TEXT.split(" ");
      for (int i = 0; i < words.length; i++) {
        String piece = (i == 0 ? "" : " ") + words[i];
        lines.append("{\"token\":{\"text\":\"").append(piece).append("\",\"special\":false}");
        if (i == words.length - 1) {
          lines
              .append(",\"generated_text\":\"")
              .append(TEXT)
              .append("\",\"details\":{\"finish_reason\":\"length\",\"generated_tokens\":")
              .append(words.length)
              .append('}');
        }
        lines.append("}\n");
      }
      send(ex, "application/jsonlines", lines.toString());
      return;
    }
    send(
        ex,
        "application/json",
        "{\"generated_text\":\""
            + TEXT
            + "\",\"details\":{\"finish_reason\":\"length\",\"generated_tokens\":4}}");
  }

  private static void send(HttpExchange ex, String type, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("content-type", type);
    ex.sendResponseHeaders(200, b.length);
    try (OutputStream o = ex.getResponseBody()) {
      o.write(b);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
