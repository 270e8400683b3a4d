package io.mcpai.app.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cross-adapter contract: every request goes to the runner under test and to the reference (the
 * local web runner on a real port), and the two answers must agree on status, error body, success
 * body (minus the clock) and the key headers. Each case also pins the expected status, so the suite
 * fails when both runners are wrong alike.
 *
 * <p>A subclass supplies {@link #call}: AWS through {@code FunctionInvoker::handleRequest} with API
 * Gateway v2 events, GCP through the functions framework's invoker on a port, Azure through the
 * worker's instance injector.
 */
public abstract class HttpContractSuite {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Headers whose values must agree. */
  static final List<String> KEY_HEADERS =
      List.of("content-type", "x-request-id", "x-mcp-provider", "retry-after", "cache-control");

  /** The runner under test. */
  protected abstract ContractReply call(ContractCall call) throws Exception;

  private static Map<String, String> headers(String id) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("content-type", "application/json");
    h.put("x-request-id", id);
    return h;
  }

  private static ContractCall post(String name, String path, String body) {
    return new ContractCall(name, "POST", path, headers("contract-" + name), body);
  }

  private static ContractCall get(String name, String path) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("x-request-id", "contract-" + name);
    return new ContractCall(name, "GET", path, h, null);
  }

  static final String CHAT =
      "{\"model\":\"llama-2-7b-chat\",\"messages\":[{\"role\":\"system\",\"content\":\"Be"
          + " terse.\"},{\"role\":\"user\",\"content\":\"Say hi.\"}],\"max_tokens\":8%s}";

  /** Each case: the call, and the status both runners must answer. */
  static Stream<Object[]> cases() {
    return Stream.of(
        new Object[] {
          post(
              "format-ok",
              "/v1/format",
              "{\"system_prompt\":\"You are terse.\",\"user_input\":\"Hello world\","
                  + "\"parameters\":{\"max_tokens\":16}}"),
          200
        },
        new Object[] {post("format-malformed", "/v1/format", "{\"user_input\": "), 400},
        new Object[] {post("format-empty", "/v1/format", null), 400},
        new Object[] {
          post("format-invalid", "/v1/format", "{\"parameters\":{\"max_tokens\":-1}}"), 422
        },
        new Object[] {
          post(
              "format-too-large",
              "/v1/format",
              "{\"user_input\":\"" + "a".repeat(1_100_000) + "\"}"),
          413
        },
        new Object[] {
          post(
              "generate-ok",
              "/v1/generate",
              "{\"user_input\":\"Name a colour.\",\"parameters\":{\"max_tokens\":12}}"),
          200
        },
        new Object[] {
          // Non-ASCII text: the AWS runner sends this one base64-encoded, as API Gateway does.
          post(
              "generate-utf8",
              "/v1/generate",
              "{\"user_input\":\"Grüße, naïve café ☃ 東京\",\"parameters\":{\"max_tokens\":4}}"),
          200
        },
        new Object[] {
          post("generate-bad-model", "/v1/generate", "{\"user_input\":\"x\",\"model\":\"gpt-9\"}"),
          422
        },
        new Object[] {post("chat-ok", "/v1/chat/completions", CHAT.formatted("")), 200},
        new Object[] {
          post("chat-stream", "/v1/chat/completions", CHAT.formatted(",\"stream\":true")), 200
        },
        new Object[] {
          post(
              "chat-unknown-model",
              "/v1/chat/completions",
              "{\"model\":\"nope\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"),
          404
        },
        new Object[] {
          post(
              "chat-bad-role",
              "/v1/chat/completions",
              "{\"model\":\"llama-2-7b-chat\",\"messages\":[{\"role\":\"assistant\",\"content\":\"hi\"}]}"),
          422
        },
        new Object[] {get("models", "/v1/models"), 200},
        new Object[] {get("health", "/health"), 200},
        new Object[] {get("no-route", "/v1/nothing-here"), 404},
        new Object[] {get("generate-by-get", "/v1/generate"), 404});
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void answersAsTheWebRunnerDoes(ContractCall c, int expectedStatus) throws Exception {
    ContractReply reference = WebRunner.shared().call(c);
    ContractReply actual = call(c);
    assertThat(reference.status())
        .as("web runner status for %s: %s", c, reference.body())
        .isEqualTo(expectedStatus);
    assertThat(actual.status())
        .as("status for %s: %s", c, actual.body())
        .isEqualTo(reference.status());
    for (String h : KEY_HEADERS) {
      assertThat(normalizedHeader(actual, h))
          .as("header %s for %s", h, c)
          .isEqualTo(normalizedHeader(reference, h));
    }
    assertThat(normalizedBody(c, actual))
        .as("body for %s", c)
        .isEqualTo(normalizedBody(c, reference));
    if (expectedStatus >= 400) {
      assertThat(JSON.readTree(actual.body()).path("error").path("message").asText())
          .as("an error names the problem")
          .isNotBlank();
    }
  }

  @Test
  void aRequestWithoutAnIdGetsAFreshOne() throws Exception {
    ContractReply r = call(new ContractCall("no-id", "GET", "/v1/models", Map.of(), null));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("x-request-id")).matches("[0-9a-f-]{36}");
  }

  @Test
  void generateAnswersWithTheProvidersText() throws Exception {
    ContractReply r =
        call(post("generate-text", "/v1/generate", "{\"user_input\":\"Say something.\"}"));
    JsonNode b = JSON.readTree(r.body());
    assertThat(b.path("response").asText()).isEqualTo(LmiStub.TEXT);
    assertThat(b.path("provider").asText()).isEqualTo("aws");
    assertThat(r.header("x-mcp-provider")).isEqualTo("aws");
    assertThat(b.path("request_id").asText()).isEqualTo("contract-generate-text");
  }

  @Test
  void aStreamIsDeliveredWholeAsServerSentEvents() throws Exception {
    ContractReply r =
        call(post("stream-whole", "/v1/chat/completions", CHAT.formatted(",\"stream\":true")));
    assertThat(r.header("content-type")).startsWith("text/event-stream");
    assertThat(r.body()).startsWith("data:").contains("\"finish_reason\":\"length\"");
    assertThat(r.body().strip()).endsWith("data:[DONE]");
  }

  private static String normalizedHeader(ContractReply r, String name) {
    String v = r.header(name);
    // Reactor Netty and the in-memory exchange spell the same media type alike; spacing aside.
    return v == null ? null : v.replace(" ", "").toLowerCase(java.util.Locale.ROOT);
  }

  /** The body with what the clock or the health checks decide removed. */
  private static String normalizedBody(ContractCall c, ContractReply r) throws Exception {
    String type = r.header("content-type");
    if (type != null && type.startsWith("text/event-stream")) {
      return r.body().replaceAll("\"created\":\\d+", "\"created\":0");
    }
    JsonNode n = JSON.readTree(r.body());
    if (c.path().equals("/health")) {
      return n.path("status").asText() + " " + n.path("models");
    }
    if (n instanceof ObjectNode o) {
      o.remove("created");
    }
    return n.toString();
  }
}
