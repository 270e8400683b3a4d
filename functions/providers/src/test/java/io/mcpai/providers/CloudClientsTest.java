package io.mcpai.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.mcpai.core.provider.Completion;
import io.mcpai.core.provider.GenerationCall;
import io.mcpai.core.provider.ProviderClient;
import io.mcpai.core.provider.ProviderClientFactory;
import io.mcpai.core.provider.ProviderConfig;
import io.mcpai.core.provider.ProviderException;
import io.mcpai.core.provider.StreamListener;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;

/**
 * Each cloud client against a local server that checks what the cloud checks, with the endpoint
 * overridden: SageMaker's SigV4 signature (recomputed here from the secret: region, service,
 * x-amz-date, payload hash), Vertex's bearer token and URL, Azure ML's key and deployment header.
 * Nothing reaches the internet.
 */
class CloudClientsTest {
  private static final String LMI_ANSWER =
      "{\"generated_text\":\"hello from the cloud\",\"details\":{\"finish_reason\":\"length\","
          + "\"generated_tokens\":4}}";
  private static final GenerationCall CALL =
      new GenerationCall(
          "req-1",
          "llama-2-7b-chat",
          "<s>[INST] Hi [/INST]",
          List.of(),
          9,
          4,
          0.0,
          1.0,
          List.of(),
          null);

  private HttpServer server;
  private final List<String> seen = new ArrayList<>();

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
  }

  /** A server whose handler returns an error message, or null to answer the LMI completion. */
  private URI serve(String path, Function<HttpExchange, String> check) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.createContext(
        "/",
        ex -> {
          byte[] body = ex.getRequestBody().readAllBytes();
          ex.setAttribute("body", body);
          seen.add(ex.getRequestMethod() + " " + ex.getRequestURI().getRawPath());
          String problem =
              ex.getRequestURI().getRawPath().equals(path)
                  ? check.apply(ex)
                  : "wrong path " + ex.getRequestURI().getRawPath();
          int status = problem == null ? 200 : problem.startsWith("wrong path") ? 404 : 403;
          byte[] out =
              (problem == null ? LMI_ANSWER : "{\"message\":\"" + problem + "\"}")
                  .getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().set("content-type", "application/json");
          ex.sendResponseHeaders(status, out.length);
          try (OutputStream o = ex.getResponseBody()) {
            o.write(out);
          }
        });
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  // ---- SageMaker: SigV4 ----

  private static final String KEY_ID = "AKIDEXAMPLE";
  private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

  /** Verifies the request's SigV4 signature as AWS does; null when it is valid. */
  static String verifySigV4(HttpExchange ex, String region, String service, String secret) {
    try {
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      String date = ex.getRequestHeaders().getFirst("X-Amz-Date");
      if (auth == null || date == null) {
        return "missing Authorization or X-Amz-Date";
      }
      // AWS4-HMAC-SHA256 Credential=AKID/20250101/us-west-2/sagemaker/aws4_request,
      // SignedHeaders=a;b;c, Signature=hex
      Map<String, String> parts = new TreeMap<>();
      for (String p : auth.substring("AWS4-HMAC-SHA256 ".length()).split(",\\s*")) {
        int eq = p.indexOf('=');
        parts.put(p.substring(0, eq), p.substring(eq + 1));
      }
      String[] cred = parts.get("Credential").split("/");
      if (!cred[0].equals(KEY_ID)
          || !cred[2].equals(region)
          || !cred[3].equals(service)
          || !cred[4].equals("aws4_request")
          || !date.startsWith(cred[1])) {
        return "bad credential scope " + parts.get("Credential");
      }
      byte[] body = (byte[]) ex.getAttribute("body");
      String payloadHash = hex(MessageDigest.getInstance("SHA-256").digest(body));
      String declared = ex.getRequestHeaders().getFirst("X-Amz-Content-Sha256");
      if (declared != null && !declared.equals(payloadHash)) {
        return "payload hash mismatch";
      }
      StringBuilder canonicalHeaders = new StringBuilder();
      for (String h : parts.get("SignedHeaders").split(";")) {
        List<String> values = ex.getRequestHeaders().get(h);
        if (values == null) {
          return "signed header " + h + " missing";
        }
        canonicalHeaders
            .append(h)
            .append(':')
            .append(String.join(",", values).trim().replaceAll(" +", " "))
            .append('\n');
      }
      String canonical =
          ex.getRequestMethod()
              + "\n"
              + ex.getRequestURI().getRawPath()
              + "\n"
              + (ex.getRequestURI().getRawQuery() == null ? "" : ex.getRequestURI().getRawQuery())
              + "\n"
              + canonicalHeaders
              + "\n"
              + parts.get("SignedHeaders")
              + "\n"
              + payloadHash;
      String scope = cred[1] + "/" + region + "/" + service + "/aws4_request";
      String toSign =
          "AWS4-HMAC-SHA256\n"
              + date
              + "\n"
              + scope
              + "\n"
              + hex(
                  MessageDigest.getInstance("SHA-256")
                      .digest(canonical.getBytes(StandardCharsets.UTF_8)));
      byte[] k = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), cred[1]);
      k = hmac(k, region);
      k = hmac(k, service);
      k = hmac(k, "aws4_request");
      String expected = hex(hmac(k, toSign));
      return expected.equals(parts.get("Signature")) ? null : "signature does not match";
    } catch (Exception e) {
      return "cannot verify: " + e;
    }
  }

  private static byte[] hmac(byte[] key, String data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  private static ProviderConfig config(
      String kind, URI endpoint, String region, Map<String, String> opts) {
    return new ProviderConfig(
        "cloud", kind, endpoint, region, "llama-2-7b-chat", 4096, 0.001, 1, null, null, opts);
  }

  @Test
  void sageMakerSignsWithSigV4FromTheDefaultCredentialChain() throws Exception {
    URI uri =
        serve(
            "/endpoints/llama-chat/invocations",
            ex -> verifySigV4(ex, "us-west-2", "sagemaker", SECRET));
    // The default chain's first source: system properties.
    System.setProperty("aws.accessKeyId", KEY_ID);
    System.setProperty("aws.secretAccessKey", SECRET);
    try (ProviderClient c =
        ProviderClientFactory.forConfig(
            config("sagemaker", uri, "us-west-2", Map.of("endpoint_name", "llama-chat")),
            Map.of())) {
      assertThat(c).isInstanceOf(SageMakerClient.class);
      Completion done = c.generate(CALL).join();
      assertThat(done.text()).isEqualTo("hello from the cloud");
      assertThat(done.completionTokens()).isEqualTo(4);
    }
    assertThat(seen).containsExactly("POST /endpoints/llama-chat/invocations");
  }

  @Test
  void sageMakerWithTheWrongSecretIsRefusedByTheVerifier() throws Exception {
    URI uri =
        serve(
            "/endpoints/llama-chat/invocations",
            ex -> verifySigV4(ex, "us-west-2", "sagemaker", SECRET));
    System.setProperty("aws.accessKeyId", KEY_ID);
    System.setProperty("aws.secretAccessKey", "not-the-secret");
    try (ProviderClient c =
        ProviderClientFactory.forConfig(
            config("sagemaker", uri, "us-west-2", Map.of("endpoint_name", "llama-chat")),
            Map.of())) {
      assertThatThrownBy(() -> c.generate(CALL).join())
          .isInstanceOf(CompletionException.class)
          .cause()
          .isInstanceOfSatisfying(
              ProviderException.class,
              e -> {
                assertThat(e.status()).isEqualTo(403);
                assertThat(e.retryable()).as("a provider-side 403 fails over").isTrue();
              });
    }
  }

  /**
   * SageMaker's response stream as the service sends it: AWS event-stream messages (encoded with
   * the SDK's own eventstream library, CRCs and all), each a PayloadPart carrying the container's
   * JSON lines cut at arbitrary byte offsets, here even inside a UTF-8 character.
   */
  @Test
  void sageMakerStreamsPayloadPartsSplitAnywhere() throws Exception {
    String lines =
        "{\"token\":{\"id\":1,\"text\":\"héllo\"}}\n"
            + "{\"token\":{\"id\":2,\"text\":\" wörld\"}}\n"
            + "{\"token\":{\"id\":2,\"text\":\"</s>\",\"special\":true},"
            + "\"generated_text\":\"héllo wörld\","
            + "\"details\":{\"finish_reason\":\"eos_token\",\"generated_tokens\":3}}\n";
    byte[] all = lines.getBytes(StandardCharsets.UTF_8);
    List<byte[]> parts = new ArrayList<>();
    int[] cuts = {3, 17, 18, 40, 41, all.length};
    for (int i = 0, from = 0; i < cuts.length; from = cuts[i++]) {
      parts.add(java.util.Arrays.copyOfRange(all, from, cuts[i]));
    }
    URI uri = serveEventStream(parts, null);
    System.setProperty("aws.accessKeyId", KEY_ID);
    System.setProperty("aws.secretAccessKey", SECRET);
    try (ProviderClient c =
        ProviderClientFactory.forConfig(
            config("sagemaker", uri, "us-west-2", Map.of("endpoint_name", "llama-chat")),
            Map.of())) {
      Collected got = collect(c);
      assertThat(got.done.get(10, TimeUnit.SECONDS).text()).isEqualTo("héllo wörld");
      assertThat(String.join("|", got.tokens)).isEqualTo("héllo| wörld");
    }
    assertThat(seen).containsExactly("POST /endpoints/llama-chat/invocations-response-stream");
  }

  @Test
  void aModelStreamErrorMidStreamEndsTheStreamWithAnError() throws Exception {
    byte[] first = "{\"token\":{\"id\":1,\"text\":\"partial\"}}\n".getBytes(StandardCharsets.UTF_8);
    URI uri = serveEventStream(List.of(first), "{\"Message\":\"CUDA out of memory\"}");
    System.setProperty("aws.accessKeyId", KEY_ID);
    System.setProperty("aws.secretAccessKey", SECRET);
    try (ProviderClient c =
        ProviderClientFactory.forConfig(
            config("sagemaker", uri, "us-west-2", Map.of("endpoint_name", "llama-chat")),
            Map.of())) {
      Collected got = collect(c);
      assertThatThrownBy(() -> got.done.get(10, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(ProviderException.class)
          .hasMessageContaining("CUDA out of memory");
      assertThat(got.tokens).containsExactly("partial");
    }
  }

  private record Collected(List<String> tokens, CompletableFuture<Completion> done) {}

  private static Collected collect(ProviderClient c) {
    Collected got = new Collected(new CopyOnWriteArrayList<>(), new CompletableFuture<>());
    c.stream(
        CALL,
        new StreamListener() {
          @Override
          public void onToken(String text) {
            got.tokens.add(text);
          }

          @Override
          public void onComplete(Completion completion) {
            got.done.complete(completion);
          }

          @Override
          public void onError(Throwable error) {
            got.done.completeExceptionally(error);
          }
        });
    return got;
  }

  /**
   * A SigV4-checking server answering InvokeEndpointWithResponseStream: the parts as PayloadPart
   * events, then, when given, a ModelStreamError exception event with that JSON payload.
   */
  private URI serveEventStream(List<byte[]> parts, String errorPayload) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.createContext(
        "/",
        ex -> {
          ex.setAttribute("body", ex.getRequestBody().readAllBytes());
          seen.add(ex.getRequestMethod() + " " + ex.getRequestURI().getRawPath());
          String problem = verifySigV4(ex, "us-west-2", "sagemaker", SECRET);
          if (problem != null
              || !"application/jsonlines"
                  .equals(ex.getRequestHeaders().getFirst("X-Amzn-SageMaker-Accept"))) {
            byte[] out = ("{\"message\":\"" + problem + "\"}").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(403, out.length);
            ex.getResponseBody().write(out);
            ex.close();
            return;
          }
          ex.getResponseHeaders().set("content-type", "application/vnd.amazon.eventstream");
          ex.sendResponseHeaders(200, 0); // chunked, as the service streams
          try (OutputStream o = ex.getResponseBody()) {
            for (byte[] part : parts) {
              o.write(event("event", "PayloadPart", "application/octet-stream", part));
              o.flush();
            }
            if (errorPayload != null) {
              Map<String, HeaderValue> h = new LinkedHashMap<>();
              h.put(":message-type", HeaderValue.fromString("exception"));
              h.put(":exception-type", HeaderValue.fromString("ModelStreamError"));
              h.put(":content-type", HeaderValue.fromString("application/json"));
              o.write(
                  new Message(h, errorPayload.getBytes(StandardCharsets.UTF_8))
                      .toByteBuffer()
                      .array());
            }
          }
        });
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private static byte[] event(String type, String event, String contentType, byte[] payload) {
    Map<String, HeaderValue> h = new LinkedHashMap<>();
    h.put(":message-type", HeaderValue.fromString(type));
    h.put(":event-type", HeaderValue.fromString(event));
    h.put(":content-type", HeaderValue.fromString(contentType));
    return new Message(h, payload).toByteBuffer().array();
  }

  // ---- Vertex AI: bearer token, rawPredict URL ----

  @Test
  void vertexSendsTheBearerTokenToRawPredict() throws Exception {
    String path = "/v1/projects/my-proj/locations/us-central1/endpoints/1234:rawPredict";
    URI uri =
        serve(
            path,
            ex ->
                "Bearer ya29.test-token".equals(ex.getRequestHeaders().getFirst("Authorization"))
                    ? null
                    : "bad token " + ex.getRequestHeaders().getFirst("Authorization"));
    GoogleCredentials creds =
        GoogleCredentials.create(
            new AccessToken("ya29.test-token", new Date(System.currentTimeMillis() + 3_600_000)));
    ProviderConfig cfg =
        config("vertex", uri, "us-central1", Map.of("project", "my-proj", "endpoint_id", "1234"));
    try (ProviderClient c = VertexClient.create(cfg, creds)) {
      assertThat(c.generate(CALL).join().text()).isEqualTo("hello from the cloud");
    }
    GoogleCredentials wrong =
        GoogleCredentials.create(
            new AccessToken("ya29.other", new Date(System.currentTimeMillis() + 3_600_000)));
    try (ProviderClient c = VertexClient.create(cfg, wrong)) {
      assertThatThrownBy(() -> c.generate(CALL).join())
          .cause()
          .isInstanceOfSatisfying(
              ProviderException.class, e -> assertThat(e.status()).isEqualTo(403));
    }
  }

  // ---- Azure ML: key and deployment header ----

  @Test
  void azureMlSendsTheKeyAndTheDeploymentHeader() throws Exception {
    URI uri =
        serve(
            "/score",
            ex -> {
              if (!"Bearer k-123".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                return "bad key";
              }
              return "blue".equals(ex.getRequestHeaders().getFirst("azureml-model-deployment"))
                  ? null
                  : "no deployment header";
            });
    ProviderConfig cfg =
        config(
            "azureml",
            URI.create(uri + "/score"),
            "westeurope",
            Map.of("deployment", "blue", "api_key_env", "MY_AML_KEY"));
    try (ProviderClient c = ProviderClientFactory.forConfig(cfg, Map.of("MY_AML_KEY", "k-123"))) {
      assertThat(c.generate(CALL).join().text()).isEqualTo("hello from the cloud");
    }
    try (ProviderClient c = ProviderClientFactory.forConfig(cfg, Map.of("MY_AML_KEY", "k-999"))) {
      assertThatThrownBy(() -> c.generate(CALL).join())
          .cause()
          .isInstanceOfSatisfying(
              ProviderException.class, e -> assertThat(e.status()).isEqualTo(403));
    }
    assertThatThrownBy(() -> ProviderClientFactory.forConfig(cfg, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("MY_AML_KEY");
  }
}
