package io.mcpai.app;

import io.mcpai.core.provider.ProviderConfig;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default: with no provider configured, three local inference endpoints (the tiny
 * model) run as child processes on 8001-8003 and serve as providers {@code aws}, {@code gcp} and
 * {@code azure}. Child processes, not in-process, so DJL and libtorch stay out of the gateway's jar
 * and heap. They are stopped when the gateway stops.
 */
final class EmbeddedEndpoints implements AutoCloseable {
  static final String DEFAULT_JAR = "inference-endpoint/target/mcp-inference-endpoint.jar";
  static final List<String> NAMES = List.of("aws", "gcp", "azure");

  /** The embedded tiny model's context window (inference-endpoint README). */
  static final int TINY_CONTEXT_WINDOW = 512;

  private static final Logger log = LoggerFactory.getLogger(EmbeddedEndpoints.class);

  private final List<Process> children = new ArrayList<>();
  private final List<ProviderConfig> providers = new ArrayList<>();
  private final Thread hook = new Thread(this::close, "mcp-embedded-endpoints-stop");

  private EmbeddedEndpoints() {}

  static EmbeddedEndpoints start(Path jar, int basePort, Duration timeout) {
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(
          "no provider is configured (MCP_PROVIDERS_FILE, MCP_MODEL_SERVICE_AWS/_GCP/_AZURE), so"
              + " the gateway starts its embedded default: three local inference endpoints from "
              + jar.toAbsolutePath()
              + ", which does not exist. Build it with"
              + " `./mvnw -B -q -pl inference-endpoint -am package -DskipTests` from the repository"
              + " root (or set MCP_ENDPOINT_JAR to its path), or configure providers.");
    }
    EmbeddedEndpoints e = new EmbeddedEndpoints();
    Runtime.getRuntime().addShutdownHook(e.hook);
    try {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Path logs = Path.of("logs");
      Files.createDirectories(logs);
      for (int i = 0; i < NAMES.size(); i++) {
        int port = basePort + i;
        String name = NAMES.get(i);
        ProcessBuilder pb =
            new ProcessBuilder(
                java,
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=1",
                "-jar",
                jar.toString(),
                "serve",
                "--server.port=" + port);
        pb.environment().put("MCP_BIND_ADDRESS", "127.0.0.1");
        pb.environment().remove("SERVER_PORT");
        File out = logs.resolve("endpoint-" + name + ".log").toFile();
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(out));
        e.children.add(pb.start());
        e.providers.add(
            ProviderConfig.lmiHttp(
                name, URI.create("http://127.0.0.1:" + port), TINY_CONTEXT_WINDOW));
        log.info("embedded endpoint {} starting on 127.0.0.1:{} (log: {})", name, port, out);
      }
      e.awaitReady(timeout);
      return e;
    } catch (IOException | RuntimeException ex) {
      e.close();
      throw new IllegalStateException("embedded endpoints failed to start: " + ex.getMessage(), ex);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      e.close();
      throw new IllegalStateException("interrupted while starting embedded endpoints", ex);
    }
  }

  private void awaitReady(Duration timeout) throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    for (int i = 0; i < providers.size(); i++) {
      ProviderConfig p = providers.get(i);
      URI ping = URI.create(p.endpoint() + "/ping");
      while (true) {
        if (!children.get(i).isAlive()) {
          throw new IllegalStateException(
              "endpoint "
                  + p.name()
                  + " exited with status "
                  + children.get(i).exitValue()
                  + " (is port "
                  + p.endpoint().getPort()
                  + " taken?); see logs/endpoint-"
                  + p.name()
                  + ".log");
        }
        try {
          HttpResponse<Void> r =
              http.send(
                  HttpRequest.newBuilder(ping).timeout(Duration.ofSeconds(2)).build(),
                  HttpResponse.BodyHandlers.discarding());
          if (r.statusCode() == 200) {
            break;
          }
        } catch (IOException notYet) {
          // still starting
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "endpoint " + p.name() + " did not answer /ping within " + timeout);
        }
        Thread.sleep(200);
      }
      log.info("embedded endpoint {} ready at {}", p.name(), p.endpoint());
    }
  }

  List<ProviderConfig> providers() {
    return providers;
  }

  @Override
  public synchronized void close() {
    for (Process p : children) {
      p.destroy();
    }
    for (Process p : children) {
      try {
        if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
    children.clear();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // already in the hook
    }
  }
}
