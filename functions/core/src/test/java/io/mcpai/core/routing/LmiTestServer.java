package io.mcpai.core.routing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real, cheap LMI server on 127.0.0.1 (JDK HttpServer): answers {@code POST /invocations} with a
 * canned completion naming itself, or with the status it is told to, and counts what it served.
 */
final class LmiTestServer implements AutoCloseable {
  final String name;
  final HttpServer server;
  final AtomicInteger invocations = new AtomicInteger();
  volatile int status = 200;

  LmiTestServer(String name) throws IOException {
    this.name = name;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/ping", ex -> send(ex, 200, "{\"status\":\"healthy\"}"));
    server.createContext("/invocations", this::invoke);
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void invoke(HttpExchange ex) throws IOException {
    ex.getRequestBody().readAllBytes();
    invocations.incrementAndGet();
    int s = status;
    if (s != 200) {
      send(ex, s, "{\"error\":{\"type\":\"test\",\"message\":\"told to answer " + s + "\"}}");
      return;
    }
    send(
        ex,
        200,
        "{\"generated_text\":\"from "
            + name
            + "\",\"details\":{\"finish_reason\":\"length\",\"generated_tokens\":2}}");
  }

  private static void send(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("content-type", "application/json");
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream o = ex.getResponseBody()) {
      o.write(b);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
