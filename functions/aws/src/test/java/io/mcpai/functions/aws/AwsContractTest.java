package io.mcpai.functions.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.tests.EventLoader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mcpai.app.contract.ContractCall;
import io.mcpai.app.contract.ContractReply;
import io.mcpai.app.contract.ContractSettings;
import io.mcpai.app.contract.HttpContractSuite;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.function.adapter.aws.FunctionInvoker;

/**
 * The contract through Lambda's real entry point: {@code FunctionInvoker::handleRequest} with the
 * bytes of an API Gateway HTTP API / Function URL event (payload 2.0), bodies with non-ASCII text
 * sent base64-encoded as API Gateway does, the answer read back as Lambda would.
 */
class AwsContractTest extends HttpContractSuite {
  static final ObjectMapper JSON = new ObjectMapper();
  static FunctionInvoker invoker;

  @BeforeAll
  static void start() {
    ContractSettings.apply();
    System.setProperty("MAIN_CLASS", AwsFunctions.class.getName());
    invoker = AotStart.start(() -> new FunctionInvoker("gateway"));
  }

  static ObjectNode event(ContractCall c) throws Exception {
    ObjectNode e;
    try (InputStream in = AwsContractTest.class.getResourceAsStream("/apigw-v2-event.json")) {
      e = (ObjectNode) JSON.readTree(in);
    }
    int q = c.path().indexOf('?');
    String path = q < 0 ? c.path() : c.path().substring(0, q);
    e.put("rawPath", path);
    e.put("rawQueryString", q < 0 ? "" : c.path().substring(q + 1));
    ObjectNode http = (ObjectNode) e.path("requestContext").path("http");
    http.put("method", c.method());
    http.put("path", path);
    ObjectNode headers = (ObjectNode) e.get("headers");
    c.headers().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v));
    if (c.body() != null) {
      boolean ascii = StandardCharsets.US_ASCII.newEncoder().canEncode(c.body());
      e.put("isBase64Encoded", !ascii);
      e.put(
          "body",
          ascii
              ? c.body()
              : Base64.getEncoder().encodeToString(c.body().getBytes(StandardCharsets.UTF_8)));
    }
    return e;
  }

  @Override
  protected ContractReply call(ContractCall c) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    invoker.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(event(c))), out, null);
    JsonNode r = JSON.readTree(out.toByteArray());
    Map<String, List<String>> headers = new LinkedHashMap<>();
    r.path("headers")
        .fields()
        .forEachRemaining(h -> headers.put(h.getKey(), List.of(h.getValue().asText())));
    String body = r.path("body").asText();
    if (r.path("isBase64Encoded").asBoolean()) {
      body = new String(Base64.getDecoder().decode(body), StandardCharsets.UTF_8);
    }
    return new ContractReply(r.path("statusCode").asInt(), headers, body);
  }

  @Test
  void theResponseIsInLambdasOwnFieldNames() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    invoker.handleRequest(
        new ByteArrayInputStream(
            JSON.writeValueAsBytes(
                event(new ContractCall("health", "GET", "/health", Map.of(), null)))),
        out,
        null);
    JsonNode r = JSON.readTree(out.toByteArray());
    List<String> names = new ArrayList<>();
    r.fieldNames().forEachRemaining(names::add);
    assertThat(names).contains("statusCode", "headers", "body", "isBase64Encoded");
    assertThat(r.path("isBase64Encoded").asBoolean()).isFalse();
    assertThat(r.path("headers").path("content-type").asText()).startsWith("application/json");
  }

  @Test
  void theSampleFunctionUrlEventParsesAndIsServed() {
    APIGatewayV2HTTPEvent e = EventLoader.loadApiGatewayHttpEvent("apigw-v2-event.json");
    var reply =
        new ApiGatewayHttpFunction(
                c -> new io.mcpai.app.serverless.HttpReply(200, Map.of(), c.path().getBytes()))
            .serve(e);
    assertThat(e.getRequestContext().getHttp().getMethod()).isEqualTo("GET");
    assertThat(reply.getBody()).isEqualTo("/health");
    ArrayNode unused = JSON.createArrayNode();
    assertThat(unused).isEmpty();
  }
}
