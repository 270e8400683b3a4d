package io.mcpai.functions.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.mcpai.app.contract.ContractSettings;
import io.mcpai.core.security.ApiKeyStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.function.adapter.aws.FunctionInvoker;

/**
 * {@code *_SECRET_ARN} settings read from Secrets Manager at start-up, through the real AWS SDK
 * against a local server that checks the wire format Secrets Manager expects (AWS JSON 1.1, {@code
 * X-Amz-Target: secretsmanager.GetSecretValue}, a SigV4 signature scoped to the service) and
 * answers as it does, errors included.
 */
class SecretsFromArnsTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String KEYS_ARN =
      "arn:aws:secretsmanager:us-east-1:123456789012:secret:mcp-keys-Ab12";
  static final String OPENAI_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:oai-Cd34";
  static final String KEY = "mcp-from-secrets-manager-0123456789abc";
  static final Map<String, String> SECRETS =
      Map.of(
          KEYS_ARN, "acme:sha256:" + ApiKeyStore.sha256Hex(KEY), OPENAI_ARN, "sk-test-openai-key");
  static final List<String> problems = new CopyOnWriteArrayList<>();
  static final List<String> asked = new CopyOnWriteArrayList<>();
  static HttpServer server;

  @BeforeAll
  static void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    server.createContext("/", SecretsFromArnsTest::answer);
    server.start();
    System.setProperty("MAIN_CLASS", AwsFunctions.class.getName());
    // The SDK's own settings: region, credentials and the service's endpoint override.
    System.setProperty("aws.region", "us-east-1");
    System.setProperty("aws.accessKeyId", "AKIDSECRETSTEST");
    System.setProperty("aws.secretAccessKey", "secret-secret");
    System.setProperty(
        "aws.endpointUrlSecretsManager", "http://127.0.0.1:" + server.getAddress().getPort());
  }

  @AfterAll
  static void stop() {
    server.stop(0);
    for (String p :
        List.of(
            "aws.region",
            "aws.accessKeyId",
            "aws.secretAccessKey",
            "aws.endpointUrlSecretsManager")) {
      System.clearProperty(p);
    }
  }

  @AfterEach
  void clear() {
    System.clearProperty("MCP_API_KEYS_SECRET_ARN");
    System.clearProperty("OPENAI_API_KEY_SECRET_ARN");
    System.clearProperty("MCP_AUTH");
    assertThat(problems).as("requests Secrets Manager would refuse").isEmpty();
  }

  static void answer(HttpExchange ex) throws IOException {
    byte[] body = ex.getRequestBody().readAllBytes();
    String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    if (!"POST".equals(ex.getRequestMethod()) || !"/".equals(ex.getRequestURI().getPath())) {
      problems.add("not POST /: " + ex.getRequestMethod() + " " + ex.getRequestURI());
    }
    if (!"secretsmanager.GetSecretValue".equals(target)) {
      problems.add("X-Amz-Target " + target);
    }
    if (type == null || !type.startsWith("application/x-amz-json-1.1")) {
      problems.add("Content-Type " + type);
    }
    if (auth == null
        || !auth.startsWith("AWS4-HMAC-SHA256 Credential=AKIDSECRETSTEST/")
        || !auth.contains("/us-east-1/secretsmanager/aws4_request")) {
      problems.add("Authorization " + auth);
    }
    JsonNode req = JSON.readTree(body);
    String id = req.path("SecretId").asText();
    asked.add(id);
    String value = SECRETS.get(id);
    if (value == null) {
      ex.getResponseHeaders().set("x-amzn-ErrorType", "ResourceNotFoundException");
      send(
          ex,
          400,
          "{\"__type\":\"ResourceNotFoundException\","
              + "\"Message\":\"Secrets Manager can't find the specified secret.\"}");
      return;
    }
    send(
        ex,
        200,
        JSON.writeValueAsString(
            Map.of("ARN", id, "Name", "n", "SecretString", value, "VersionId", "v1")));
  }

  static void send(HttpExchange ex, int status, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream o = ex.getResponseBody()) {
      o.write(b);
    }
  }

  static int status(FunctionInvoker invoker, String key) throws Exception {
    String event =
        "{\"version\":\"2.0\",\"routeKey\":\"$default\",\"rawPath\":\"/v1/format\","
            + "\"rawQueryString\":\"\",\"headers\":{\"content-type\":\"application/json\""
            + (key == null ? "" : ",\"x-api-key\":\"" + key + "\"")
            + "},\"requestContext\":{\"http\":{\"method\":\"POST\",\"path\":\"/v1/format\"}},"
            + "\"body\":\"{\\\"user_input\\\":\\\"Hi\\\"}\",\"isBase64Encoded\":false}";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    invoker.handleRequest(
        new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
    return JSON.readTree(out.toByteArray()).path("statusCode").asInt();
  }

  @Test
  void theGatewayStartsWithTheKeysAndCredentialsItsArnsName() throws Exception {
    ContractSettings.apply();
    System.setProperty("MCP_API_KEYS_SECRET_ARN", KEYS_ARN);
    System.setProperty("OPENAI_API_KEY_SECRET_ARN", OPENAI_ARN);
    System.setProperty("MCP_AUTH", "required");
    asked.clear();
    FunctionInvoker invoker = AotStart.start(() -> new FunctionInvoker("gateway"));
    assertThat(asked).containsExactlyInAnyOrder(KEYS_ARN, OPENAI_ARN);
    // The keys came from the secret: without one 401, with the one it names 200.
    assertThat(status(invoker, null)).isEqualTo(401);
    assertThat(status(invoker, "mcp-some-other-key-0123456789abcdef")).isEqualTo(401);
    assertThat(status(invoker, KEY)).isEqualTo(200);
  }

  @Test
  void onlyArnSettingsAreReadSoOtherSettingsAreNotResolved() {
    org.springframework.core.env.StandardEnvironment env =
        new org.springframework.core.env.StandardEnvironment();
    env.getPropertySources()
        .addFirst(
            new org.springframework.core.env.MapPropertySource(
                "test",
                Map.of(
                    "SOME_TEMPLATE", "${not.a.setting}",
                    "OPENAI_API_KEY_SECRET_ARN", " " + OPENAI_ARN + " ",
                    "EMPTY_SECRET_ARN", " ",
                    "_SECRET_ARN", "arn:no-name")));
    assertThat(SecretsFromArns.arns(env)).isEqualTo(Map.of("OPENAI_API_KEY", OPENAI_ARN));
  }

  @Test
  void aSecretThatCannotBeReadStopsTheStartNamingTheSetting() {
    String missing = "arn:aws:secretsmanager:us-east-1:123456789012:secret:gone-Zz99";
    System.setProperty("MCP_API_KEYS_SECRET_ARN", missing);
    assertThatThrownBy(() -> AotStart.start(() -> new FunctionInvoker("gateway")))
        .satisfies(
            e -> {
              Throwable c = e;
              while (c.getCause() != null && !(c instanceof IllegalStateException)) {
                c = c.getCause();
              }
              assertThat(c.getMessage())
                  .contains("MCP_API_KEYS_SECRET_ARN")
                  .contains(missing)
                  .contains("can't find the specified secret");
            });
  }
}
