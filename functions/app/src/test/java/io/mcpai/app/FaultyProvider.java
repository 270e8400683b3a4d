package io.mcpai.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An LMI provider on a real loopback socket whose behaviour a test switches at run time: healthy,
 * or one of the ways real endpoints fail. Written on raw sockets (HTTP/1.1, one request per
 * connection) so that it can misbehave below HTTP: close mid-body, stall, send garbage. It can be
 * killed (listener and every open connection closed, so clients see resets and refusals) and
 * restarted on the same port.
 */
final class FaultyProvider implements AutoCloseable {
  enum Mode {
    HEALTHY,
    /** Accepts the request and never answers. */
    HANG,
    /** 200 with a body that is not JSON. */
    GARBAGE,
    /** 200 announcing more bytes than it sends, JSON cut in the middle, then closes. */
    TRUNCATED,
    /** Streams two tokens, then the connection drops (a crashed process). */
    DIE_MID_STREAM,
    /** Healthy, except every third request takes longer than the gateway's per-try timeout. */
    SLOW_SOMETIMES,
    /** Streams two tokens, then stalls with the connection open (a wedged process). */
    STALL_MID_STREAM
  }

  final String name;
  volatile Mode mode = Mode.HEALTHY;
  final AtomicInteger invocations = new AtomicInteger();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile ServerSocket listener;
  private volatile int port;

  FaultyProvider(String name) throws IOException {
    this.name = name;
    start(0);
  }

  int port() {
    return port;
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  /** Closes the listener and every connection: in-flight calls see a reset. */
  void kill() throws IOException {
    listener.close();
    for (Socket s : open) {
      s.close();
    }
  }

  void restart() throws IOException {
    start(port);
  }

  private void start(int at) throws IOException {
    ServerSocket ss = new ServerSocket();
    ss.setReuseAddress(true);
    ss.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), at), 128);
    listener = ss;
    port = ss.getLocalPort();
    Thread t = new Thread(() -> accept(ss), name + "-accept");
    t.setDaemon(true);
    t.start();
  }

  private void accept(ServerSocket ss) {
    while (!ss.isClosed()) {
      try {
        Socket s = ss.accept();
        open.add(s);
        Thread t = new Thread(() -> serve(s), name + "-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException closed) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s) {
      String head = readHead(s.getInputStream());
      if (head == null) {
        return;
      }
      int len = contentLength(head);
      byte[] body = s.getInputStream().readNBytes(len);
      String path = head.substring(head.indexOf(' ') + 1, head.indexOf(' ', head.indexOf(' ') + 1));
      OutputStream out = s.getOutputStream();
      if (path.startsWith("/ping")) {
        respond(out, 200, "{\"status\":\"healthy\"}");
        return;
      }
      int n = invocations.incrementAndGet();
      boolean stream = new String(body, StandardCharsets.UTF_8).contains("\"stream\":true");
      switch (mode) {
        case HEALTHY -> healthy(out, stream);
        case HANG -> Thread.sleep(60_000);
        case GARBAGE -> respond(out, 200, "<html>502 Bad Gateway</html> {{{ not json");
        case TRUNCATED -> {
          String partial = "{\"generated_text\":\"half an ans";
          out.write(
              ("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 200\r\n"
                      + "connection: close\r\n\r\n"
                      + partial)
                  .getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
        case DIE_MID_STREAM -> {
          if (!stream) {
            // Non-streamed: the process dies after the headers.
            out.write(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 80\r\n\r\n{"
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            s.setSoLinger(true, 0); // RST, as a killed process leaves it
            return;
          }
          twoTokens(out);
          Thread.sleep(50);
          s.setSoLinger(true, 0);
        }
        case STALL_MID_STREAM -> {
          twoTokens(out);
          Thread.sleep(60_000);
        }
        case SLOW_SOMETIMES -> {
          if (n % 3 == 0) {
            Thread.sleep(3_000);
          }
          healthy(out, stream);
        }
      }
    } catch (SocketException gone) {
      // the client (the gateway) gave up, or we were killed
    } catch (IOException | InterruptedException e) {
      // same: nothing to answer to
    } finally {
      open.remove(s);
    }
  }

  private void healthy(OutputStream out, boolean stream) throws IOException {
    String text = " from " + name;
    if (!stream) {
      respond(
          out,
          200,
          "{\"generated_text\":\""
              + text
              + "\",\"details\":{\"finish_reason\":\"length\",\"generated_tokens\":2}}");
      return;
    }
    out.write(
        ("HTTP/1.1 200 OK\r\ncontent-type: application/jsonlines\r\n"
                + "transfer-encoding: chunked\r\nconnection: close\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    chunk(out, "{\"token\":{\"text\":\" from\",\"special\":false}}\n");
    chunk(
        out,
        "{\"token\":{\"text\":\" "
            + name
            + "\",\"special\":false},\"generated_text\":\""
            + text
            + "\",\"details\":{\"finish_reason\":\"length\",\"generated_tokens\":2}}\n");
    out.write("0\r\n\r\n".getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** Stream headers and the first two tokens, flushed: what a client sees before a failure. */
  private static void twoTokens(OutputStream out) throws IOException {
    out.write(
        ("HTTP/1.1 200 OK\r\ncontent-type: application/jsonlines\r\n"
                + "transfer-encoding: chunked\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    chunk(out, "{\"token\":{\"text\":\" Once\",\"special\":false}}\n");
    chunk(out, "{\"token\":{\"text\":\" upon\",\"special\":false}}\n");
    out.flush();
  }

  private static void chunk(OutputStream out, String line) throws IOException {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    out.write((Integer.toHexString(b.length) + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.write(b);
    out.write("\r\n".getBytes(StandardCharsets.UTF_8));
  }

  private static void respond(OutputStream out, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    out.write(
        ("HTTP/1.1 "
                + status
                + " OK\r\ncontent-type: application/json\r\ncontent-length: "
                + b.length
                + "\r\nconnection: close\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    out.write(b);
    out.flush();
  }

  private static String readHead(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) != -1) {
      sb.append((char) c);
      if (sb.length() >= 4 && sb.substring(sb.length() - 4).equals("\r\n\r\n")) {
        return sb.toString();
      }
    }
    return null;
  }

  private static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        return Integer.parseInt(line.substring(15).trim());
      }
    }
    return 0;
  }

  @Override
  public void close() throws IOException {
    kill();
  }
}
