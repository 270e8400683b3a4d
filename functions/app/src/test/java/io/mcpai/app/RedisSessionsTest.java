package io.mcpai.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mcpai.core.protocol.ProtocolJson;
import io.mcpai.core.session.ConversationStore;
import io.mcpai.core.session.RedisConnection;
import io.mcpai.core.session.RedisConversationStore;
import io.mcpai.core.session.Session;
import io.mcpai.core.session.SessionKey;
import io.mcpai.core.session.SessionLimits;
import io.mcpai.core.session.Turn;
import io.mcpai.core.template.SegmentEncoder.EncodedSegment;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two gateway instances (two JVM processes on their own ports) sharing one real {@code
 * redis-server}: a conversation continued on the other instance, a cache hit across instances,
 * concurrent turns on one session with none lost, the Redis store's own rules, and what happens
 * when Redis is down. Skipped with a message where no redis-server binary exists.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisSessionsTest {
  static RedisServer redis;
  static ScriptedLmiServer lmi;
  static GatewayProcess a;
  static GatewayProcess b;

  private static final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    redis = RedisServer.start();
    lmi = new ScriptedLmiServer();
    // Two instances, started side by side.
    CompletableFuture<GatewayProcess> first =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return gateway(redis.url());
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    b = gateway(redis.url());
    a = first.join();
  }

  static GatewayProcess gateway(String redisUrl) throws Exception {
    return GatewayProcess.start(
        "MCP_REDIS_URL=" + redisUrl,
        "MCP_REDIS_TIMEOUT_MS=1000",
        "MCP_MODEL_SERVICE_AWS=" + lmi.url(),
        "MCP_REQUEST_LOG=off",
        "MCP_HEALTH_INTERVAL_MS=0");
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {a, b, lmi, redis}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // keep closing the rest
      }
    }
  }

  static int port(GatewayProcess g) {
    return g.port;
  }

  static HttpResponse<String> send(GatewayProcess on, String method, String path, String body)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(on) + path))
            .header("content-type", "application/json")
            .timeout(Duration.ofSeconds(20))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> generate(GatewayProcess on, String body) throws Exception {
    return send(on, "POST", "/v1/generate", body);
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return ProtocolJson.mapper().readTree(r.body());
  }

  @Test
  @Order(1)
  void aConversationStartedOnOneInstanceContinuesOnTheOther() throws Exception {
    HttpResponse<String> r1 =
        generate(
            a,
            "{\"session_id\":\"x-inst\",\"system_prompt\":\"You are terse.\","
                + "\"user_input\":\"My name is Ada.\"}");
    assertThat(r1.statusCode()).as(r1.body()).isEqualTo(200);
    String reply1 = json(r1).get("response").asText();

    HttpResponse<String> r2 =
        generate(b, "{\"session_id\":\"x-inst\",\"user_input\":\"What is my name?\"}");
    assertThat(r2.statusCode()).as(r2.body()).isEqualTo(200);
    assertThat(lmi.lastInput())
        .contains("You are terse.")
        .contains("My name is Ada.")
        .contains(reply1)
        .endsWith("What is my name? [/INST]");
    assertThat(json(r2).get("session_version").asLong()).isEqualTo(2);

    generate(a, "{\"session_id\":\"x-inst\",\"user_input\":\"Thanks.\"}");
    JsonNode view = json(send(b, "GET", "/v1/sessions/x-inst", null));
    assertThat(view.get("store").asText()).isEqualTo("redis");
    assertThat(view.get("version").asLong()).isEqualTo(3);
    assertThat(view.get("turns")).hasSize(3);
    assertThat(view.get("stored_token_ids").asInt()).isPositive();

    assertThat(send(b, "DELETE", "/v1/sessions/x-inst", null).statusCode()).isEqualTo(200);
    assertThat(send(a, "GET", "/v1/sessions/x-inst", null).statusCode()).isEqualTo(404);
  }

  @Test
  @Order(2)
  void aDeterministicAnswerCachedByOneInstanceIsAHitOnTheOther() throws Exception {
    String body =
        "{\"user_input\":\"Spell cat.\",\"parameters\":{\"temperature\":0,\"max_tokens\":6}}";
    HttpResponse<String> miss = generate(a, body);
    assertThat(miss.headers().firstValue("x-cache")).hasValue("miss");
    int calls = lmi.invocations.get();
    HttpResponse<String> hit = generate(b, body);
    assertThat(hit.statusCode()).isEqualTo(200);
    assertThat(hit.headers().firstValue("x-cache")).hasValue("hit");
    assertThat(json(hit).get("response")).isEqualTo(json(miss).get("response"));
    assertThat(lmi.invocations.get()).isEqualTo(calls);
  }

  @Test
  @Order(3)
  void concurrentTurnsOnOneSessionAcrossInstancesAreAllKept() throws Exception {
    lmi.delayMillis = 150; // every request reads the session before any answer is appended
    try {
      int n = 8;
      List<CompletableFuture<HttpResponse<String>>> inflight = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        GatewayProcess on = i % 2 == 0 ? a : b;
        String body = "{\"session_id\":\"race\",\"user_input\":\"message " + i + "\"}";
        inflight.add(
            http.sendAsync(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(on) + "/v1/generate"))
                    .header("content-type", "application/json")
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString()));
      }
      Set<Long> versions = new HashSet<>();
      for (CompletableFuture<HttpResponse<String>> f : inflight) {
        HttpResponse<String> r = f.join();
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        versions.add(json(r).get("session_version").asLong());
      }
      assertThat(versions).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
      JsonNode view = json(send(a, "GET", "/v1/sessions/race", null));
      assertThat(view.get("version").asLong()).isEqualTo(n);
      Set<String> users = new HashSet<>();
      view.get("turns").forEach(t -> users.add(t.get("user").asText()));
      assertThat(users).hasSize(n);
      // The race really happened: appends found the session moved on and went after it.
      double conflicts = 0;
      for (GatewayProcess g : new GatewayProcess[] {a, b}) {
        String m = send(g, "GET", "/metrics", null).body();
        java.util.regex.Matcher x =
            java.util.regex.Pattern.compile("(?m)^mcp_session_append_conflicts (\\S+)").matcher(m);
        assertThat(x.find()).as(m).isTrue();
        conflicts += Double.parseDouble(x.group(1));
      }
      assertThat(conflicts).isPositive();
    } finally {
      lmi.delayMillis = 0;
    }
  }

  @Test
  @Order(4)
  void theRedisStoreComparesVersionsAppliesCapsAndExpires() throws Exception {
    try (RedisConnection c =
        new RedisConnection(redis.url(), Duration.ofSeconds(1), Duration.ofSeconds(1))) {
      var store =
          new RedisConversationStore(c, new SessionLimits(Duration.ofSeconds(2), 3, 1 << 20));
      SessionKey key = new SessionKey("t/k", "caps");
      Turn t0 = turn(0);
      assertThat(store.append(key, 0, "sys", t0).join())
          .isEqualTo(new ConversationStore.Appended(true, 1));
      assertThat(store.append(key, 0, null, turn(1)).join())
          .isEqualTo(new ConversationStore.Appended(false, 1));
      for (int i = 1; i < 5; i++) {
        assertThat(store.append(key, i, null, turn(i)).join().applied()).isTrue();
      }
      Session s = store.load(key).join();
      assertThat(s.version()).isEqualTo(5);
      assertThat(s.system()).isEqualTo("sys");
      assertThat(s.turns()).extracting(Turn::user).containsExactly("user 2", "user 3", "user 4");
      // Ids survive the round trip exactly.
      assertThat(s.turns().get(0).segments().get(0).ids()).containsExactly(2, 3);
      assertThat(store.load(new SessionKey("t/other", "caps")).join().exists()).isFalse();

      Thread.sleep(2100); // the TTL: an idle session is gone
      assertThat(store.load(key).join().exists()).isFalse();
    }
  }

  private static Turn turn(int i) {
    return new Turn(
        "user " + i,
        "assistant " + i,
        "tok",
        List.of(EncodedSegment.of("seg " + i, false, new int[] {i, i + 1})),
        1000L * i);
  }

  @Test
  @Order(5)
  void aGatewayStartedWhileRedisIsDownServesStatelessAndAnswers503ForSessions() throws Exception {
    int dead;
    try (ServerSocket s = new ServerSocket(0)) {
      dead = s.getLocalPort();
    }
    try (GatewayProcess c = gateway("redis://127.0.0.1:" + dead)) {
      assertDownBehaviour(c);
    }
  }

  @Test
  @Order(6)
  void whenRedisStopsSessionRequestsGet503AndStatelessOnesStillWork() throws Exception {
    redis.close();
    assertDownBehaviour(a);
    assertDownBehaviour(b);
  }

  private static void assertDownBehaviour(GatewayProcess on) throws Exception {
    HttpResponse<String> stateless = generate(on, "{\"user_input\":\"Still there?\"}");
    assertThat(stateless.statusCode()).as(stateless.body()).isEqualTo(200);
    HttpResponse<String> cached =
        generate(on, "{\"user_input\":\"Still there?\",\"parameters\":{\"temperature\":0}}");
    assertThat(cached.statusCode()).as(cached.body()).isEqualTo(200);
    assertThat(cached.headers().firstValue("x-cache")).hasValue("miss");

    long t0 = System.nanoTime();
    HttpResponse<String> session =
        generate(on, "{\"session_id\":\"s\",\"user_input\":\"Remember me.\"}");
    assertThat(session.statusCode()).as(session.body()).isEqualTo(503);
    assertThat(session.headers().firstValue("retry-after")).hasValue("1");
    JsonNode err = json(session).get("error");
    assertThat(err.get("type").asText()).isEqualTo("session_store_unavailable");
    assertThat(err.get("message").asText()).contains("Redis");
    // Bounded by the timeouts, never a hang.
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));

    HttpResponse<String> chat =
        send(
            on,
            "POST",
            "/v1/chat/completions",
            "{\"model\":\"llama-2-7b-chat\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
    assertThat(chat.statusCode()).isEqualTo(200);
    assertThat(send(on, "GET", "/v1/sessions/s", null).statusCode()).isEqualTo(503);
  }
}
