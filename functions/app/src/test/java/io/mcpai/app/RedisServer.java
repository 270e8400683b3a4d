package io.mcpai.app;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real {@code redis-server} child process on 127.0.0.1 and a free port, without persistence.
 * Tests that need it are skipped, with a message saying how to get it, where there is no binary
 * (Debian: {@code apt-get install redis-server}; {@code .ci/run} installs it).
 */
final class RedisServer implements AutoCloseable {
  private final Process process;
  final int port;

  private RedisServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  static Path binary() {
    String explicit = System.getenv("MCP_TEST_REDIS_SERVER");
    if (explicit != null && Files.isExecutable(Path.of(explicit))) {
      return Path.of(explicit);
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      Path p = Path.of(dir.isEmpty() ? "." : dir, "redis-server");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    for (String p : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")) {
      if (Files.isExecutable(Path.of(p))) {
        return Path.of(p);
      }
    }
    return null;
  }

  /** Starts one, or skips the calling test when there is no binary. */
  static RedisServer start() throws IOException, InterruptedException {
    Path bin = binary();
    assumeTrue(
        bin != null,
        "skipped: no redis-server binary on PATH (Debian: apt-get install redis-server)");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Process p =
        new ProcessBuilder(
                bin.toString(),
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    RedisServer r = new RedisServer(p, port);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!r.ping()) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        r.close();
        throw new IOException("redis-server did not start on port " + port);
      }
      Thread.sleep(50);
    }
    return r;
  }

  String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** A raw RESP PING: is the server answering? */
  boolean ping() {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(1000);
      OutputStream o = s.getOutputStream();
      o.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      o.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[7];
      int n = in.readNBytes(buf, 0, 7);
      return new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
