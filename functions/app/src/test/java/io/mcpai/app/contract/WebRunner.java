package io.mcpai.app.contract;

import io.mcpai.app.McpApplication;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The reference: the local web runner (Spring Boot, Reactor Netty) on a random port, started once
 * per test JVM with the suite's settings, and spoken to over a real socket.
 */
public final class WebRunner {
  private static WebRunner shared;
  private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection");

  private final ConfigurableApplicationContext context;
  private final int port;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private WebRunner() {
    ContractSettings.apply();
    context = SpringApplication.run(McpApplication.class, "--server.port=0");
    port = ((WebServerApplicationContext) context).getWebServer().getPort();
  }

  public static synchronized WebRunner shared() {
    if (shared == null) {
      shared = new WebRunner();
    }
    return shared;
  }

  public int port() {
    return port;
  }

  public ContractReply call(ContractCall c) throws Exception {
    return send(port, c);
  }

  /** Sends a call to a server on 127.0.0.1 (any runner that listens on a port). */
  public static ContractReply send(int port, ContractCall c) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + c.path()));
    c.headers()
        .forEach(
            (k, v) -> {
              if (!RESTRICTED.contains(k.toLowerCase(Locale.ROOT))) {
                b.header(k, v);
              }
            });
    b.method(
        c.method(),
        c.body() == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(c.body()));
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    Map<String, List<String>> headers = new LinkedHashMap<>();
    r.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
    return new ContractReply(r.statusCode(), headers, r.body());
  }
}
