package io.mcpai.app.serverless;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the in-memory request tells filters about the caller. */
class BufferedExchangeTest {
  static BufferedExchange.Request request(Map<String, String> headers) {
    return new BufferedExchange.Request(HttpCall.of("GET", "/health", headers, null));
  }

  @Test
  void theCallerIsTheLastForwardedHopThePlatformAdded() {
    var r = request(Map.of("x-forwarded-for", "10.9.9.9, 203.0.113.7"));
    assertThat(r.getRemoteAddress().getAddress().getHostAddress()).isEqualTo("203.0.113.7");
  }

  @Test
  void withoutForwardingOrWithANameTheCallerIsLoopback() {
    assertThat(request(Map.of()).getRemoteAddress().getAddress().isLoopbackAddress()).isTrue();
    assertThat(
            request(Map.of("x-forwarded-for", "evil.example"))
                .getRemoteAddress()
                .getAddress()
                .isLoopbackAddress())
        .isTrue();
  }

  @Test
  void headersAreCaseInsensitiveAndThePathKeepsItsQuery() {
    var r =
        new BufferedExchange.Request(
            new HttpCall(
                "POST",
                "/v1/generate",
                "a=1",
                Map.of("Content-Type", java.util.List.of("application/json")),
                new byte[0]));
    assertThat(r.getHeaders().getFirst("content-type")).isEqualTo("application/json");
    assertThat(r.getURI().getRawQuery()).isEqualTo("a=1");
    assertThat(r.getPath().value()).isEqualTo("/v1/generate");
  }
}
