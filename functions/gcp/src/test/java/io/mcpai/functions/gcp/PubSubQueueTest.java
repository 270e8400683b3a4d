package io.mcpai.functions.gcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.functions.invoker.runner.Invoker;
import io.mcpai.app.contract.ContractSettings;
import io.mcpai.app.contract.RecordingBatchCommand;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Pub/Sub trigger: Spring Cloud Function's GCP {@code FunctionInvoker} (what {@code
 * GcfJarLauncher} delegates to) with {@code function.name=batchJobTrigger}, run by the real
 * functions-framework invoker on a port and sent CloudEvents exactly as Eventarc delivers a Pub/Sub
 * message. With the Pub/Sub emulator installed (gcloud's {@code pubsub-emulator} component),
 * messages travel through a real topic and subscription with a dead-letter policy: a good one ends
 * as a started job, a bad one is nacked on every delivery and lands in {@code mcp-batch-jobs-dlq}.
 * Without the emulator that part is skipped, saying so.
 */
class PubSubQueueTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newHttpClient();
  static Invoker invoker;
  static int port;
  static Invoker gen2;
  static int gen2Port;
  static RecordingBatchCommand batch;
  static Process emulator;
  static String pubsub;

  @BeforeAll
  static void start() throws Exception {
    ContractSettings.apply();
    batch = new RecordingBatchCommand();
    batch.apply();
    System.setProperty("MAIN_CLASS", GcpFunctions.class.getName());
    System.setProperty("function.name", "batchJobTrigger");
    port = freePort();
    invoker =
        new Invoker(
            port,
            "org.springframework.cloud.function.adapter.gcp.FunctionInvoker",
            "event",
            PubSubQueueTest.class.getClassLoader());
    invoker.startTestServer();
    gen2Port = freePort();
    gen2 =
        new Invoker(
            gen2Port,
            GcpPubSubTrigger.class.getName(),
            "cloudevent",
            PubSubQueueTest.class.getClassLoader());
    gen2.startTestServer();
  }

  @AfterAll
  static void stop() throws Exception {
    invoker.stopServer();
    gen2.stopServer();
    if (emulator != null) {
      emulator.destroy();
      emulator.waitFor();
    }
  }

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** The CloudEvent Eventarc delivers for a Pub/Sub message (binary content mode). */
  static int deliver(String messageId, String data) throws Exception {
    return deliver(port, messageId, data);
  }

  static int deliver(int port, String messageId, String data) throws Exception {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode message = body.putObject("message");
    message.put("data", data);
    message.put("messageId", messageId);
    message.put("publishTime", "2026-11-24T08:00:00.000Z");
    body.put("subscription", "projects/test/subscriptions/mcp-batch-jobs-sub");
    HttpRequest r =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
            .header("ce-specversion", "1.0")
            .header("ce-id", messageId)
            .header("ce-source", "//pubsub.googleapis.com/projects/test/topics/mcp-batch-jobs")
            .header("ce-type", "google.cloud.pubsub.topic.v1.messagePublished")
            .header("ce-time", "2026-11-24T08:00:00.000Z")
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
            .build();
    return HTTP.send(r, HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aCloudEventWithAGoodMessageStartsTheJobAndABadOneIsAnError() throws Exception {
    String good =
        "{\"v\":1,\"job_id\":\"gcp-direct\",\"input\":\"gs://in/p.jsonl\",\"output\":\"gs://out/\"}";
    assertThat(deliver("m-good", b64(good))).isBetween(200, 299);
    assertThat(batch.argumentsOf("gcp-direct", Duration.ofSeconds(10)))
        .isEqualTo(
            "run --input gs://in/p.jsonl --output gs://out/ --job-id gcp-direct"
                + " --runner=DirectRunner");
    // Invalid: an error status, so Pub/Sub redelivers and then dead-letters.
    assertThat(deliver("m-bad", b64("{\"v\":1,\"output\":\"gs://out/\"}")))
        .isGreaterThanOrEqualTo(500);
    assertThat(deliver("m-garbage", "not base64 at all!")).isGreaterThanOrEqualTo(500);
  }

  @Test
  void theGen2CloudEventsEntryPointStartsTheJobAndFailsABadMessage() throws Exception {
    String good =
        "{\"v\":1,\"job_id\":\"gcp-gen2\",\"input\":\"gs://in/q.jsonl\",\"output\":\"gs://out/q/\"}";
    assertThat(deliver(gen2Port, "g-good", b64(good))).isBetween(200, 299);
    assertThat(batch.argumentsOf("gcp-gen2", Duration.ofSeconds(10)))
        .isEqualTo(
            "run --input gs://in/q.jsonl --output gs://out/q/ --job-id gcp-gen2"
                + " --runner=DirectRunner");
    assertThat(deliver(gen2Port, "g-bad", b64("{\"v\":1}"))).isGreaterThanOrEqualTo(500);
  }

  // ---- through the Pub/Sub emulator ----

  static Path emulatorBinary() throws Exception {
    String given = System.getenv("PUBSUB_EMULATOR_BIN");
    if (given != null) {
      return Path.of(given);
    }
    for (String root :
        List.of(
            "/usr/lib/google-cloud-sdk", "/usr/share/google-cloud-sdk", "/opt/google-cloud-sdk")) {
      Path p = Path.of(root, "platform/pubsub-emulator/bin/cloud-pubsub-emulator");
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  static JsonNode rest(String method, String path, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(pubsub + "/v1/projects/test/" + path))
            .header("content-type", "application/json");
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("%s %s: %s", method, path, r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  static void startEmulator() throws Exception {
    Path bin = emulatorBinary();
    assumeTrue(
        bin != null,
        "Pub/Sub emulator not installed (gcloud components install pubsub-emulator, or set"
            + " PUBSUB_EMULATOR_BIN): the topic/subscription/dead-letter path is not tested");
    int p = freePort();
    Path log = Files.createTempFile("pubsub-emulator", ".log");
    emulator =
        new ProcessBuilder(bin.toString(), "--host=127.0.0.1", "--port=" + p)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    pubsub = "http://127.0.0.1:" + p;
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!Files.readString(log).contains("Server started")) {
      assertThat(emulator.isAlive()).as("emulator: %s", Files.readString(log)).isTrue();
      assertThat(System.nanoTime()).as("emulator start").isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  @Test
  void throughTheEmulatorABadMessageIsDeadLetteredAndAGoodOneStartsAJob() throws Exception {
    startEmulator();
    rest("PUT", "topics/mcp-batch-jobs", null);
    rest("PUT", "topics/mcp-batch-jobs-dlq", null);
    rest(
        "PUT",
        "subscriptions/mcp-batch-jobs-sub",
        "{\"topic\":\"projects/test/topics/mcp-batch-jobs\",\"ackDeadlineSeconds\":10,"
            + "\"deadLetterPolicy\":{\"deadLetterTopic\":\"projects/test/topics/mcp-batch-jobs-dlq\","
            + "\"maxDeliveryAttempts\":5}}");
    rest(
        "PUT",
        "subscriptions/dlq-watch",
        "{\"topic\":\"projects/test/topics/mcp-batch-jobs-dlq\"}");
    String good =
        "{\"v\":1,\"job_id\":\"gcp-emulated\",\"input\":\"gs://in/a.jsonl\",\"output\":\"gs://out/a/\"}";
    String bad = "{\"v\":1,\"job_id\":\"no output\",\"input\":\"gs://in/a.jsonl\"}";
    rest(
        "POST",
        "topics/mcp-batch-jobs:publish",
        "{\"messages\":[{\"data\":\"" + b64(good) + "\"},{\"data\":\"" + b64(bad) + "\"}]}");

    List<String> deadLettered = new ArrayList<>();
    for (int round = 0; round < 60 && deadLettered.isEmpty(); round++) {
      Thread.sleep(round == 0 ? 0 : 250);
      JsonNode pulled =
          rest(
              "POST",
              "subscriptions/mcp-batch-jobs-sub:pull",
              "{\"maxMessages\":10,\"returnImmediately\":true}");
      for (JsonNode rm : pulled.path("receivedMessages")) {
        JsonNode m = rm.path("message");
        int status = deliver(m.path("messageId").asText(), m.path("data").asText());
        String ack = "{\"ackIds\":[\"" + rm.path("ackId").asText() + "\"]";
        if (status < 300) {
          rest("POST", "subscriptions/mcp-batch-jobs-sub:acknowledge", ack + "}");
        } else {
          rest(
              "POST",
              "subscriptions/mcp-batch-jobs-sub:modifyAckDeadline",
              ack + ",\"ackDeadlineSeconds\":0}");
        }
      }
      for (JsonNode rm :
          rest(
                  "POST",
                  "subscriptions/dlq-watch:pull",
                  "{\"maxMessages\":10,\"returnImmediately\":true}")
              .path("receivedMessages")) {
        deadLettered.add(
            new String(
                Base64.getDecoder().decode(rm.path("message").path("data").asText()),
                StandardCharsets.UTF_8));
      }
    }
    assertThat(batch.argumentsOf("gcp-emulated", Duration.ofSeconds(10)))
        .isEqualTo(
            "run --input gs://in/a.jsonl --output gs://out/a/ --job-id gcp-emulated"
                + " --runner=DirectRunner");
    assertThat(deadLettered).containsExactly(bad);
  }
}
