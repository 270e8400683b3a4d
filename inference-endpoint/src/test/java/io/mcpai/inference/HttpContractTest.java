package io.mcpai.inference;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpai.inference.generate.SchedulerConfig;
import io.mcpai.inference.model.LlamaConfig;
import io.mcpai.inference.model.RandomLlama;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every route over a real socket, against the embedded model the endpoint ships with. */
class HttpContractTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path tmp;
  static Main.Running server;
  static Main.Running slow;
  static final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    Main.Settings s =
        Main.Settings.from(
            new String[] {"serve", "--server.port=0"},
            Map.of("MCP_CACHE_DIR", tmp.toString(), "MCP_BIND_ADDRESS", "127.0.0.1"));
    server = Main.start(s);
    // A bigger, slower model with one slot and a one-request queue, for overload and disconnects.
    Path dir =
        RandomLlama.write(
            tmp.resolve("slow"),
            new LlamaConfig(256, 512, 4, 8, 8, 259, 1024, 10000, 1e-5, true, 1, 2),
            5);
    java.nio.file.Files.writeString(dir.resolve(ByteTokenizer.MARKER), "bytes");
    slow =
        Main.start(
            new Main.Settings(
                "127.0.0.1", 0, dir, "cpu", "auto", 1, new SchedulerConfig(1, 4096, 1)));
  }

  @AfterAll
  static void stop() {
    server.close();
    slow.close();
  }

  static HttpResponse<String> post(Main.Running r, String path, String body, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.port() + path))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(String path, String body, String... headers) throws Exception {
    return post(server, path, body, headers);
  }

  static HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  @Test
  void pingAndHealthAnswerWithARequestId() throws Exception {
    HttpResponse<String> r = get("/ping");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(json(r).path("status").asText()).isEqualTo("healthy");
    assertThat(r.headers().firstValue("x-request-id")).isPresent();
    assertThat(get("/health").statusCode()).isEqualTo(200);
    HttpResponse<String> echoed =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/ping"))
                .header("x-request-id", "abc-123")
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(echoed.headers().firstValue("x-request-id")).contains("abc-123");
  }

  @Test
  void invocationsGreedyWithDetails() throws Exception {
    String body =
        "{\"inputs\":\"Once upon a time\",\"parameters\":{\"max_new_tokens\":6,\"details\":true,\"do_sample\":false}}";
    HttpResponse<String> r = post("/invocations", body, "x-request-id", "req-1");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-request-id")).contains("req-1");
    JsonNode n = json(r);
    JsonNode d = n.path("details");
    assertThat(d.path("inputs").asText()).isEqualTo("Once upon a time");
    int generated = d.path("generated_tokens").asInt();
    assertThat(d.path("tokens")).hasSize(generated);
    assertThat(d.path("finish_reason").asText()).isIn("length", "eos_token");
    if (d.path("finish_reason").asText().equals("length")) {
      assertThat(generated).isEqualTo(6);
    }
    for (JsonNode t : d.path("tokens")) {
      assertRealLogProb(t);
      assertThat(t.has("id") && t.has("text")).isTrue();
    }
    StringBuilder joined = new StringBuilder();
    d.path("tokens").forEach(t -> joined.append(t.path("text").asText()));
    assertThat(n.path("generated_text").asText()).isEqualTo(joined.toString());
    // greedy is deterministic
    assertThat(json(post("/invocations", body)).path("generated_text"))
        .isEqualTo(n.path("generated_text"));
  }

  @Test
  void returnFullTextAndSeededSampling() throws Exception {
    String body =
        "{\"inputs\":\"Hi\",\"parameters\":{\"max_new_tokens\":5,\"return_full_text\":true,\"temperature\":0.9,\"top_k\":40,\"top_p\":0.9,\"seed\":42,\"repetition_penalty\":1.2}}";
    String a = json(post("/invocations", body)).path("generated_text").asText();
    String b = json(post("/invocations", body)).path("generated_text").asText();
    assertThat(a).startsWith("Hi").isEqualTo(b);
  }

  @Test
  void invocationsStreamAsJsonLines() throws Exception {
    String plain =
        json(post("/invocations", "{\"inputs\":\"abc\",\"parameters\":{\"max_new_tokens\":7}}"))
            .path("generated_text")
            .asText();
    HttpResponse<String> r =
        post(
            "/invocations",
            "{\"inputs\":\"abc\",\"parameters\":{\"max_new_tokens\":7},\"stream\":true}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).contains("application/jsonlines");
    assertThat(r.headers().firstValue("x-request-id")).isPresent();
    String[] lines = r.body().split("\n");
    assertThat(lines.length).isBetween(1, 7);
    for (int i = 0; i < lines.length; i++) {
      JsonNode line = JSON.readTree(lines[i]);
      assertThat(line.path("token").has("id")).isTrue();
      assertRealLogProb(line.path("token")); // every streamed token carries one
      assertThat(line.path("generated_text").isNull()).isEqualTo(i < lines.length - 1);
    }
    assertThat(JSON.readTree(lines[lines.length - 1]).path("generated_text").asText())
        .isEqualTo(plain);
  }

  @Test
  void streamedAndDetailedLogProbsAreTheSame() throws Exception {
    String params = "\"parameters\":{\"max_new_tokens\":6,\"details\":true}";
    JsonNode tokens =
        json(post("/invocations", "{\"inputs\":\"xyz\"," + params + "}"))
            .path("details")
            .path("tokens");
    String[] lines =
        post("/invocations", "{\"inputs\":\"xyz\"," + params + ",\"stream\":true}")
            .body()
            .split("\n");
    assertThat(lines).hasSize(tokens.size());
    for (int i = 0; i < lines.length; i++) {
      JsonNode streamed = JSON.readTree(lines[i]).path("token");
      assertRealLogProb(streamed);
      assertThat(streamed).isEqualTo(tokens.get(i));
    }
  }

  /** A log_prob that was computed: a JSON number (not "NaN"), finite, at most 0. */
  private static void assertRealLogProb(JsonNode token) {
    JsonNode lp = token.path("log_prob");
    assertThat(lp.isNumber()).as("log_prob %s is a number", lp).isTrue();
    assertThat(lp.asDouble()).isFinite().isLessThanOrEqualTo(0.0);
  }

  @Test
  void chatCompletionOnBothRoutes() throws Exception {
    String body =
        "{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hello\"}],\"max_tokens\":5,\"temperature\":0}";
    for (String path : List.of("/v1/chat/completions", "/invocations")) {
      HttpResponse<String> r = post(path, body);
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      JsonNode n = json(r);
      assertThat(n.path("object").asText()).isEqualTo("chat.completion");
      assertThat(n.path("choices").get(0).path("message").path("role").asText())
          .isEqualTo("assistant");
      assertThat(n.path("choices").get(0).path("finish_reason").asText()).isIn("stop", "length");
      JsonNode u = n.path("usage");
      // BOS + the one LLaMA 2 chat segment, tokenized by the model's own tokenizer
      int expectedPrompt =
          1
              + server
                  .model()
                  .tokenizer()
                  .encode("[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHello [/INST]")
                  .length;
      assertThat(u.path("prompt_tokens").asInt()).isEqualTo(expectedPrompt);
      assertThat(u.path("total_tokens").asInt())
          .isEqualTo(expectedPrompt + u.path("completion_tokens").asInt());
    }
  }

  @Test
  void chatStreamsServerSentEventsEndingWithDone() throws Exception {
    String body =
        "{\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}],\"max_tokens\":6,\"temperature\":0,\"stream\":true}";
    String whole =
        json(post("/v1/chat/completions", body.replace(",\"stream\":true", "")))
            .path("choices")
            .get(0)
            .path("message")
            .path("content")
            .asText();
    HttpResponse<String> r = post("/v1/chat/completions", body);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).contains("text/event-stream");
    List<String> events = new ArrayList<>();
    for (String block : r.body().split("\n\n")) {
      assertThat(block).startsWith("data: ");
      events.add(block.substring(6));
    }
    assertThat(events.get(events.size() - 1)).isEqualTo("[DONE]");
    StringBuilder content = new StringBuilder();
    JsonNode last = null;
    for (String e : events.subList(0, events.size() - 1)) {
      JsonNode n = JSON.readTree(e);
      assertThat(n.path("object").asText()).isEqualTo("chat.completion.chunk");
      content.append(n.path("choices").get(0).path("delta").path("content").asText(""));
      last = n;
    }
    assertThat(
            JSON.readTree(events.get(0)).path("choices").get(0).path("delta").path("role").asText())
        .isEqualTo("assistant");
    assertThat(last.path("choices").get(0).path("finish_reason").asText()).isIn("stop", "length");
    assertThat(last.path("usage").path("completion_tokens").asInt()).isPositive();
    assertThat(content.toString()).isEqualTo(whole);
  }

  record Bad(String path, String body, int status, String param) {}

  @Test
  void badInputsGetTheRightStatusAndNameTheField() throws Exception {
    // ~4,000 near-random characters: far past the 512-token context whatever the vocabulary.
    StringBuilder sb = new StringBuilder();
    java.util.Random rnd = new java.util.Random(1);
    for (int i = 0; i < 4000; i++) {
      sb.append("abcdefghijklmnopqrstuvwxyz0123456789".charAt(rnd.nextInt(36)));
    }
    String huge = sb.toString();
    List<Bad> cases =
        List.of(
            new Bad("/invocations", "{not json", 400, null),
            new Bad("/invocations", "[1,2]", 400, null),
            new Bad("/invocations", "{\"inputs\":\"a\"} trailing", 400, null),
            new Bad("/invocations", "{\"parameters\":{}}", 422, "inputs"),
            new Bad("/invocations", "{\"inputs\":5}", 422, "inputs"),
            new Bad("/invocations", "{\"inputs\":\"a\",\"foo\":1}", 422, "foo"),
            new Bad(
                "/invocations",
                "{\"inputs\":\"a\",\"parameters\":{\"max_tokens\":3}}",
                422,
                "parameters.max_tokens"),
            new Bad(
                "/invocations",
                "{\"inputs\":\"a\",\"parameters\":{\"max_new_tokens\":0}}",
                422,
                "parameters.max_new_tokens"),
            new Bad(
                "/invocations",
                "{\"inputs\":\"a\",\"parameters\":{\"max_new_tokens\":\"5\"}}",
                422,
                "parameters.max_new_tokens"),
            new Bad(
                "/invocations",
                "{\"inputs\":\"a\",\"parameters\":{\"temperature\":-1}}",
                422,
                "parameters.temperature"),
            new Bad(
                "/invocations",
                "{\"inputs\":\"a\",\"parameters\":{\"top_p\":1.5}}",
                422,
                "parameters.top_p"),
            new Bad(
                "/invocations",
                "{\"inputs\":\"a\",\"parameters\":{\"top_p\":0}}",
                422,
                "parameters.top_p"),
            new Bad(
                "/invocations",
                "{\"inputs\":\"a\",\"parameters\":{\"top_k\":-2}}",
                422,
                "parameters.top_k"),
            new Bad(
                "/invocations",
                "{\"inputs\":\"a\",\"parameters\":{\"repetition_penalty\":0}}",
                422,
                "parameters.repetition_penalty"),
            new Bad(
                "/invocations",
                "{\"inputs\":\"a\",\"parameters\":{\"do_sample\":\"yes\"}}",
                422,
                "parameters.do_sample"),
            new Bad(
                "/invocations",
                "{\"inputs\":\"a\",\"parameters\":{\"seed\":1.5}}",
                422,
                "parameters.seed"),
            new Bad(
                "/invocations",
                "{\"inputs\":\"a\",\"parameters\":{\"stop_sequences\":[1]}}",
                422,
                "parameters.stop_sequences"),
            new Bad("/invocations", "{\"inputs\":\"a\",\"parameters\":[]}", 422, "parameters"),
            new Bad("/invocations", "{\"inputs\":\"a\",\"stream\":\"no\"}", 422, "stream"),
            new Bad("/invocations", "{\"inputs\":\"" + huge + "\"}", 413, "inputs"),
            new Bad("/v1/chat/completions", "{\"messages\":[]}", 422, "messages"),
            new Bad(
                "/v1/chat/completions",
                "{\"messages\":[{\"role\":\"bot\",\"content\":\"x\"}]}",
                422,
                "messages[0].role"),
            new Bad(
                "/v1/chat/completions",
                "{\"messages\":[{\"role\":\"assistant\",\"content\":\"x\"}]}",
                422,
                "messages[0].role"),
            new Bad(
                "/v1/chat/completions",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"n\":2}",
                422,
                "n"),
            new Bad(
                "/v1/chat/completions",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":3}",
                422,
                "temperature"),
            new Bad(
                "/v1/chat/completions",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"tools\":[]}",
                422,
                "tools"),
            new Bad(
                "/v1/chat/completions",
                "{\"messages\":[{\"role\":\"user\",\"content\":\"" + huge + "\"}]}",
                413,
                "messages"),
            new Bad("/v1/chat/completions", "nope", 400, null),
            new Bad("/nowhere", "{}", 404, null));
    for (Bad c : cases) {
      HttpResponse<String> r = post(c.path(), c.body());
      assertThat(r.statusCode()).as(c.body()).isEqualTo(c.status());
      assertThat(r.headers().firstValue("x-request-id")).as(c.body()).isPresent();
      JsonNode err = json(r).path("error");
      assertThat(err.path("message").asText()).as(c.body()).isNotBlank();
      assertThat(err.path("type").asText()).as(c.body()).isNotBlank();
      if (c.param() == null) {
        assertThat(err.path("param").isNull()).as(c.body()).isTrue();
      } else {
        assertThat(err.path("param").asText()).as(c.body()).isEqualTo(c.param());
      }
    }
    HttpResponse<String> wrongMethod = get("/invocations");
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
  }

  @Test
  void metricsExposeQueueBatchThroughputAndLatency() throws Exception {
    post("/invocations", "{\"inputs\":\"m\",\"parameters\":{\"max_new_tokens\":3}}");
    HttpResponse<String> r = get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body())
        .contains("mcp_inference_queue_depth")
        .contains("mcp_inference_batch_size")
        .contains("mcp_inference_tokens_per_second")
        .contains("mcp_inference_generated_tokens_total")
        .contains("mcp_inference_time_to_first_token_seconds_count")
        .contains("mcp_inference_inter_token_latency_seconds_bucket");
  }

  @Test
  void fullQueueAnswers503WithRetryAfter() throws Exception {
    String body = "{\"inputs\":\"a\",\"parameters\":{\"max_new_tokens\":300}}";
    List<CompletableFuture<HttpResponse<String>>> fs = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      fs.add(
          http.sendAsync(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + slow.port() + "/invocations"))
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString()));
    }
    List<HttpResponse<String>> rs = new ArrayList<>();
    for (var f : fs) {
      rs.add(f.get());
    }
    List<HttpResponse<String>> refused = rs.stream().filter(r -> r.statusCode() == 503).toList();
    assertThat(refused).isNotEmpty();
    assertThat(rs.stream().filter(r -> r.statusCode() == 200)).isNotEmpty();
    assertThat(refused.get(0).headers().firstValue("retry-after")).contains("1");
    assertThat(json(refused.get(0)).path("error").path("type").asText()).isEqualTo("overloaded");
  }

  @Test
  void clientDisconnectFreesTheSlotAtOnce() throws Exception {
    String body = "{\"inputs\":\"a\",\"parameters\":{\"max_new_tokens\":1000},\"stream\":true}";
    long start = System.nanoTime();
    try (Socket s = new Socket("127.0.0.1", slow.port())) {
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                  + body.length()
                  + "\r\n\r\n"
                  + body)
              .getBytes(StandardCharsets.UTF_8));
      out.flush();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null && !line.contains("\"token\"")) {
        // headers and chunk sizes until the first token line
      }
      assertThat(line).contains("\"token\"");
    }
    // The one slot must be free long before 1000 tokens could have been generated.
    while (slow.scheduler().load() > 0 && System.nanoTime() - start < 5_000_000_000L) {
      Thread.sleep(5);
    }
    assertThat(slow.scheduler().load()).isZero();
    HttpResponse<String> next =
        post(slow, "/invocations", "{\"inputs\":\"b\",\"parameters\":{\"max_new_tokens\":2}}");
    assertThat(next.statusCode()).isEqualTo(200);
    String metrics =
        http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + slow.port() + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    double generated =
        metrics
            .lines()
            .filter(l -> l.startsWith("mcp_inference_generated_tokens_total"))
            .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
            .sum();
    assertThat(generated)
        .as("tokens generated in total on the slow server")
        .isLessThan(1000 + 6 * 300);
  }
}
