package io.mcpai.batch;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real inference endpoints (the tiny embedded model, in this JVM, on real sockets), each behind a
 * small recording proxy that forwards every request unchanged and counts, per {@code
 * x-idempotency-key}, the answers the endpoint generated (200s): how the tests see whether a prompt
 * was generated more than once.
 */
final class LocalEndpoints implements AutoCloseable {
  static final List<String> NAMES = List.of("aws", "gcp", "azure");

  final List<io.mcpai.inference.Main.Running> endpoints = new ArrayList<>();
  final List<HttpServer> proxies = new ArrayList<>();
  final Map<String, AtomicInteger> generated = new ConcurrentHashMap<>();
  final AtomicInteger refused = new AtomicInteger();
  private boolean proxied;
  private final ExecutorService pool = Executors.newFixedThreadPool(48);
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  static LocalEndpoints start(Path cache, int n) throws Exception {
    return start(cache, n, true);
  }

  /**
   * @param proxied whether the providers YAML points at the recording proxies (tests) or straight
   *     at the endpoints (benchmarks)
   */
  static LocalEndpoints start(Path cache, int n, boolean proxied) throws Exception {
    LocalEndpoints e = new LocalEndpoints();
    e.proxied = proxied;
    for (int i = 0; i < n; i++) {
      io.mcpai.inference.Main.Running r =
          io.mcpai.inference.Main.start(
              io.mcpai.inference.Main.Settings.from(
                  new String[] {"serve", "--server.port=0"},
                  Map.of("MCP_CACHE_DIR", cache.toString(), "MCP_BIND_ADDRESS", "127.0.0.1")));
      e.endpoints.add(r);
      if (proxied) {
        e.proxies.add(e.proxy(r.port()));
      }
    }
    return e;
  }

  private HttpServer proxy(int target) throws IOException {
    HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
    s.setExecutor(pool);
    s.createContext(
        "/",
        ex -> {
          try (InputStream in = ex.getRequestBody()) {
            byte[] body = in.readAllBytes();
            HttpRequest.Builder b =
                HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + target + ex.getRequestURI().getPath()));
            ex.getRequestHeaders()
                .forEach(
                    (k, vs) -> {
                      String lk = k.toLowerCase();
                      if (lk.startsWith("x-") || lk.equals("content-type") || lk.equals("accept")) {
                        vs.forEach(v -> b.header(k, v));
                      }
                    });
            b.method(
                ex.getRequestMethod(),
                body.length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            String key = ex.getRequestHeaders().getFirst(IdempotencyKey.HEADER);
            if (key != null) {
              if (r.statusCode() == 200) {
                generated.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
              } else {
                refused.incrementAndGet();
              }
            }
            r.headers()
                .firstValue("content-type")
                .ifPresent(v -> ex.getResponseHeaders().add("content-type", v));
            ex.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
            try (OutputStream out = ex.getResponseBody()) {
              out.write(r.body());
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ex.sendResponseHeaders(503, -1);
          } catch (IOException e) {
            ex.sendResponseHeaders(502, -1);
          } finally {
            ex.close();
          }
        });
    s.start();
    return s;
  }

  /** The providers YAML: the proxies, declared with a 4096-token window (the model has 512). */
  String providersYaml() {
    StringBuilder sb = new StringBuilder("providers:\n");
    for (int i = 0; i < endpoints.size(); i++) {
      int port = proxied ? proxies.get(i).getAddress().getPort() : endpoints.get(i).port();
      sb.append("  ")
          .append(NAMES.get(i))
          .append(":\n    kind: lmi-http\n    endpoint: http://127.0.0.1:")
          .append(port)
          .append("\n    context_window: 4096\n");
    }
    return sb.toString();
  }

  int generatedFor(String key) {
    AtomicInteger n = generated.get(key);
    return n == null ? 0 : n.get();
  }

  @Override
  public void close() {
    proxies.forEach(p -> p.stop(0));
    endpoints.forEach(io.mcpai.inference.Main.Running::close);
    pool.shutdownNow();
  }
}
