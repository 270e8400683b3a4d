package io.mcpai.core.routing;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Watches the routing-weights file ({@code MCP_ROUTING_WEIGHTS_FILE}): it is re-read when its
 * modification time or size changes (checked every {@code interval}, off the request path). A file
 * that is missing or invalid keeps the last good weights and says why in the log, so a learner
 * writing a bad file never takes routing down.
 */
public final class RoutingWeightsFile implements Supplier<RoutingWeights>, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(RoutingWeightsFile.class.getName());
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Path path;
  private final ScheduledExecutorService watcher;
  private volatile RoutingWeights current = RoutingWeights.none();
  private volatile FileTime seenTime;
  private volatile long seenSize = -1;

  public RoutingWeightsFile(Path path, Duration interval) {
    this.path = path;
    reload();
    this.watcher =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "mcp-routing-weights-watch");
              t.setDaemon(true);
              return t;
            });
    long ms = Math.max(50, interval.toMillis());
    watcher.scheduleWithFixedDelay(this::reload, ms, ms, TimeUnit.MILLISECONDS);
  }

  @Override
  public RoutingWeights get() {
    return current;
  }

  public Path path() {
    return path;
  }

  /** Reads the file now if it changed; public so tests and operators need not wait. */
  public synchronized void reload() {
    try {
      if (!Files.exists(path)) {
        return;
      }
      FileTime t = Files.getLastModifiedTime(path);
      long size = Files.size(path);
      if (t.equals(seenTime) && size == seenSize) {
        return;
      }
      seenTime = t;
      seenSize = size;
      current = parse(Files.readAllBytes(path));
      LOG.log(Level.INFO, "routing weights loaded from " + path + ": " + current.weights());
    } catch (IOException | IllegalArgumentException e) {
      LOG.log(
          Level.WARNING,
          "routing weights file " + path + " ignored (keeping the last good weights): " + e);
    }
  }

  /** Parses and validates a weights file's bytes. */
  public static RoutingWeights parse(byte[] json) throws IOException {
    RoutingWeights w = JSON.readValue(json, RoutingWeights.class);
    if (w.v() != RoutingWeights.VERSION) {
      throw new IllegalArgumentException(
          "\"v\" must be " + RoutingWeights.VERSION + ", got " + w.v());
    }
    for (Map.Entry<String, Double> e : w.weights().entrySet()) {
      if (e.getValue() == null || e.getValue() < 0 || e.getValue().isNaN()) {
        throw new IllegalArgumentException(
            "weights." + e.getKey() + " must be a number >= 0, got " + e.getValue());
      }
    }
    return w;
  }

  @Override
  public void close() {
    watcher.shutdownNow();
  }
}
