package io.mcpai.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Every provider down: a fast 503 with Retry-After in each API's error shape, never a hang. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class NoProviderTest {
  @LocalServerPort int port;

  @DynamicPropertySource
  static void deadProviders(DynamicPropertyRegistry props) throws Exception {
    int dead;
    try (ServerSocket s = new ServerSocket(0)) {
      dead = s.getLocalPort(); // closed again at once: connections are refused
    }
    String url = "http://127.0.0.1:" + dead;
    props.add("MCP_MODEL_SERVICE_AWS", () -> url);
    props.add("MCP_MODEL_SERVICE_GCP", () -> url);
    props.add("MCP_REQUEST_LOG", () -> "off");
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void answers503WithRetryAfterAtOnce() throws Exception {
    for (int i = 0; i < 8; i++) { // enough to open the breakers: the later ones fail in the plan
      long t0 = System.nanoTime();
      HttpResponse<String> r = post("/v1/generate", "{\"user_input\": \"hi\"}");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
      assertThat(r.headers().firstValue("retry-after")).isPresent();
      assertThat(r.body()).contains("no_provider_available");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(3));
    }
    HttpResponse<String> chat =
        post(
            "/v1/chat/completions",
            "{\"model\":\"llama-2-7b-chat\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertThat(chat.statusCode()).isEqualTo(503);
    assertThat(chat.headers().firstValue("content-type"))
        .hasValueSatisfying(v -> assertThat(v).contains("json"));
    assertThat(chat.headers().firstValue("retry-after")).isPresent();
    assertThat(chat.body())
        .contains("\"type\":\"server_error\"")
        .contains("\"code\":\"no_provider_available\"");
  }
}
