package io.mcpai.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A kept-alive HTTP/1.1 connection is answered request after request, whatever the answers before
 * were: streamed or provider-backed (completed later, on another thread) followed by ones answered
 * at once (a DELETE without a body, a 404 with its body unread, a session read, metrics).
 *
 * <p>Reactor Netty 1.2.18 holds back a request that arrives while the previous exchange is still
 * finishing; when the held-back one was answered at once, the connection stopped reading and the
 * next request on it was never answered (what SessionGatewayTest and SecurityTest met as a rare
 * 20-second timeout). Here the second request is pipelined behind the first, so it is always held
 * back: without {@link KeepAliveReads} every case times out on the third request (a bad UTF-8 body,
 * the one SecurityTest saw hang).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class KeepAliveTest {
  static ScriptedLmiServer lmi;

  @LocalServerPort int port;

  @DynamicPropertySource
  static void provider(DynamicPropertyRegistry props) throws Exception {
    if (lmi == null) {
      lmi = new ScriptedLmiServer();
    }
    lmi.provide(props);
  }

  @AfterEach
  void fast() {
    lmi.delayMillis = 0;
  }

  // Sampled, so never answered from the response cache: every one is a provider call.
  static final String GENERATE =
      "{\"user_input\":\"Hi\",\"parameters\":{\"max_tokens\":4,\"temperature\":0.7}}";
  static final String STREAM =
      "{\"model\":\"llama-2-7b-chat\",\"stream\":true,"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

  static final byte[] BAD_UTF8 = badUtf8();

  private static byte[] badUtf8() {
    byte[] b = "{\"user_input\":\"caf\u00e9\"}".getBytes(StandardCharsets.UTF_8);
    b[b.length - 3] = 'A'; // the lead byte 0xC3 now precedes a non-continuation
    return b;
  }

  static Stream<Arguments> sequences() {
    return Stream.of(
        Arguments.of(
            "stream, then DELETE without a body",
            stream(),
            request("DELETE", "/v1/sessions/x", null),
            404),
        Arguments.of("generate, then metrics", generate(), request("GET", "/metrics", null), 200),
        Arguments.of(
            "stream, then 404 with its body unread",
            stream(),
            request("POST", "/v1/nothing", GENERATE.getBytes(StandardCharsets.UTF_8)),
            404),
        Arguments.of(
            "generate, then a session read",
            generate(),
            request("GET", "/v1/sessions/none", null),
            404));
  }

  private static byte[] generate() {
    return request("POST", "/v1/generate", GENERATE.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] stream() {
    return request("POST", "/v1/chat/completions", STREAM.getBytes(StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sequences")
  void theNextRequestOnTheConnectionIsAnswered(
      String name, byte[] later, byte[] atOnce, int atOnceStatus) throws Exception {
    lmi.delayMillis = 50; // the first answer completes later, on the provider client's thread
    try (Socket s = connect()) {
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      for (int round = 0; round < 2; round++) {
        out.write(concat(later, atOnce)); // one write: the second request waits for the first
        out.flush();
        assertThat(readResponse(in)).as("round %d, first", round).startsWith("HTTP/1.1 200");
        assertThat(readResponse(in))
            .as("round %d, second", round)
            .startsWith("HTTP/1.1 " + atOnceStatus);
        out.write(request("POST", "/v1/generate", BAD_UTF8));
        out.flush();
        // Without the guard: SocketTimeoutException, the connection no longer read.
        assertThat(readResponse(in))
            .as("round %d, next", round)
            .startsWith("HTTP/1.1 400")
            .contains("UTF-8");
      }
    }
  }

  /**
   * The JDK client's default (HTTP/2) offers an h2c upgrade on its first plain-HTTP request: the
   * gateway speaks HTTP/1.1 only, so it answers that request in HTTP/1.1 and the connection stays
   * usable.
   */
  @Test
  void anH2cUpgradeOfferIsAnsweredInHttp11() throws Exception {
    try (Socket s = connect()) {
      String upgrade =
          "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings\r\n"
              + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n";
      s.getOutputStream().write(upgrade.getBytes(StandardCharsets.US_ASCII));
      assertThat(readResponse(s.getInputStream())).startsWith("HTTP/1.1 200");
      s.getOutputStream().write(request("GET", "/health", null));
      assertThat(readResponse(s.getInputStream())).startsWith("HTTP/1.1 200");
    }
  }

  private Socket connect() throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    s.setSoTimeout(5_000);
    return s;
  }

  private static byte[] request(String method, String path, byte[] body) {
    String head =
        method
            + " "
            + path
            + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + (body == null
                ? "\r\n"
                : "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n");
    return body == null
        ? head.getBytes(StandardCharsets.US_ASCII)
        : concat(head.getBytes(StandardCharsets.US_ASCII), body);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] all = new byte[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  /** One HTTP/1.1 response, head and body (by content-length or chunked), as text. */
  private static String readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed after: " + head);
      }
      head.write(b);
    }
    String h = head.toString(StandardCharsets.ISO_8859_1);
    String lower = h.toLowerCase(Locale.ROOT);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (lower.contains("transfer-encoding: chunked")) {
      for (int size = -1; size != 0; ) {
        size = Integer.parseInt(line(in).trim(), 16);
        body.write(in.readNBytes(size));
        line(in);
      }
    } else {
      int at = lower.indexOf("content-length:");
      if (at >= 0) {
        int end = lower.indexOf("\r\n", at);
        body.write(in.readNBytes(Integer.parseInt(h.substring(at + 15, end).trim())));
      }
    }
    return h + body.toString(StandardCharsets.UTF_8);
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
      sb.append((char) b);
    }
    return sb.toString();
  }
}
