package io.mcpai.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpai.core.security.ApiKeyStore;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A client that hangs up in the middle of a streamed answer gets the unused part of its token
 * reservation back at once: its key pays for the prompt and the tokens it was sent, not for {@code
 * max_tokens} until the bucket refills.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class StreamCancelTest {
  static final String KEY = "mcp-cancel-key-0123456789abcdefghij";
  static ScriptedLmiServer lmi;

  @LocalServerPort int port;

  @DynamicPropertySource
  static void settings(DynamicPropertyRegistry props) throws Exception {
    if (lmi == null) {
      lmi = new ScriptedLmiServer();
      lmi.stallStreams = true;
    }
    lmi.provide(props);
    Path keys = Files.createTempDirectory("keys").resolve("keys.yaml");
    Files.writeString(
        keys,
        """
        keys:
          - id: tpm
            tenant: beta
            sha256: %s
            tokens_per_minute: 300
        """
            .formatted(ApiKeyStore.sha256Hex(KEY)));
    props.add("MCP_API_KEYS_FILE", keys::toString);
    props.add("MCP_MODEL_SERVICE_CONTEXT_WINDOW", () -> "512");
  }

  @AfterAll
  static void stop() {
    lmi.close();
  }

  private HttpRequest.Builder request(String path, String body) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("content-type", "application/json")
        .header("x-api-key", KEY)
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  @Test
  void aStreamTheClientLeavesGivesBackWhatItDidNotUse() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    // Reserves prompt + 250 of the key's 300 tokens a minute; the provider sends one token and
    // stalls.
    HttpResponse<InputStream> stream =
        http.send(
            request(
                    "/v1/chat/completions",
                    "{\"model\":\"llama-2-7b-chat\",\"stream\":true,\"max_tokens\":250,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.statusCode()).isEqualTo(200);
    long remainingAfterReserve =
        Long.parseLong(stream.headers().firstValue("x-ratelimit-remaining-tokens").orElseThrow());
    assertThat(remainingAfterReserve).isLessThan(50);
    try (InputStream in = stream.body()) {
      StringBuilder seen = new StringBuilder();
      byte[] buf = new byte[256];
      while (!seen.toString().contains("reply ")) {
        int n = in.read(buf);
        assertThat(n).as("stream ended before its first token: %s", seen).isPositive();
        seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
      }
    } // closing the body mid-stream closes the connection: the client has gone

    // 100 more tokens fit only if the stream's unused ~250 came back; a refill of 300 a minute
    // would take over 20 s to make the room, so a pass within 5 s is the give-back.
    String next = "{\"user_input\":\"Hi\",\"parameters\":{\"max_tokens\":100}}";
    long deadline = System.nanoTime() + 5_000_000_000L;
    HttpResponse<String> r;
    do {
      r = http.send(request("/v1/generate", next).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) {
        break;
      }
      assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    assertThat(r.statusCode()).as("after the stream was left: %s", r.body()).isEqualTo(200);
  }
}
