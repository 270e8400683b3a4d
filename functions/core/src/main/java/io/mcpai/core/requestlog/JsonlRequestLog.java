package io.mcpai.core.requestlog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The default sink: JSON lines appended to a local file by one writer thread, off the request path.
 * Records wait in a bounded queue; when the disk cannot keep up they are dropped and counted
 * ({@link #dropped()}) rather than slowing requests down.
 */
public final class JsonlRequestLog implements RequestLog {
  private static final System.Logger LOG = System.getLogger(JsonlRequestLog.class.getName());
  private static final JsonFactory FACTORY = new JsonFactory();
  private static final RequestRecord POISON =
      new RequestRecord(
          0, "", "", false, "", "", "", "", 0, null, 0, 0, 0, null, 0, 0, List.of(), 0);

  private final Path path;
  private final BlockingQueue<RequestRecord> queue;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final Thread writer;
  private final OutputStream out;

  public JsonlRequestLog(Path path, int capacity) throws IOException {
    this.path = path;
    Path dir = path.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    this.out =
        new BufferedOutputStream(
            Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND),
            1 << 16);
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.writer = new Thread(this::drain, "mcp-request-log");
    writer.setDaemon(true);
    writer.start();
  }

  public Path path() {
    return path;
  }

  @Override
  public void record(RequestRecord r) {
    if (!queue.offer(r)) {
      dropped.incrementAndGet();
    }
  }

  public long dropped() {
    return dropped.get();
  }

  public long written() {
    return written.get();
  }

  private void drain() {
    List<RequestRecord> batch = new ArrayList<>(256);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.setRootValueSeparator(null);
      while (true) {
        RequestRecord first = queue.poll(1, TimeUnit.SECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, 255);
        boolean stop = false;
        for (RequestRecord r : batch) {
          if (r == POISON) {
            stop = true;
            continue;
          }
          try {
            r.write(g);
            g.flush();
            out.write('\n');
            written.incrementAndGet();
          } catch (IOException e) {
            LOG.log(Level.WARNING, "request log " + path + ": cannot write: " + e);
          }
        }
        batch.clear();
        out.flush();
        if (stop) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      LOG.log(Level.WARNING, "request log " + path + " stopped: " + e);
    }
  }

  /** Writes what is queued, then stops. */
  @Override
  public void close() {
    try {
      queue.put(POISON);
      writer.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
