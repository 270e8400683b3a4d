package io.mcpai.app.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpai.app.McpApplication;
import io.mcpai.core.tracing.Tracing;
import io.mcpai.inference.Main;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Spans from the gateway and an inference endpoint, each with its own OpenTelemetry SDK and OTLP
 * exporter, reach one real OTLP/HTTP receiver as one trace: the caller's span, the gateway's server
 * span, its provider call, and the endpoint's server span, each the parent of the next (W3C {@code
 * traceparent} over real HTTP between them).
 */
@SpringBootTest(classes = McpApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
class TracingEndToEndTest {
  static OtlpReceiver receiver;
  static Main.Running endpoint;

  @LocalServerPort int port;

  @DynamicPropertySource
  static void wire(DynamicPropertyRegistry props) throws Exception {
    if (receiver == null) {
      receiver = new OtlpReceiver();
      endpoint =
          Main.start(
              Main.Settings.from(
                  new String[] {"serve", "--server.port=0"},
                  Map.of("MCP_BIND_ADDRESS", "127.0.0.1")),
              Tracing.fromEnvironment(
                  Map.of(Tracing.ENDPOINT_ENV, receiver.baseUrl()), "mcp-inference-endpoint"));
    }
    props.add("MCP_MODEL_SERVICE_AWS", () -> "http://127.0.0.1:" + endpoint.port());
    props.add("MCP_MODEL_SERVICE_CONTEXT_WINDOW", () -> "512");
    props.add("MCP_REQUEST_LOG", () -> "off");
    props.add("MCP_HEALTH_INTERVAL_MS", () -> "0");
    props.add(Tracing.ENDPOINT_ENV, receiver::baseUrl);
  }

  @AfterAll
  static void stop() {
    endpoint.close();
    receiver.close();
  }

  @Test
  void oneTraceRunsFromTheCallerThroughTheGatewayAndItsProviderCallIntoTheEndpoint()
      throws Exception {
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    String callerSpan = "00f067aa0ba902b7";
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/generate"))
                    .header("content-type", "application/json")
                    .header("traceparent", "00-" + traceId + "-" + callerSpan + "-01")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"user_input\": \"Hi\", \"parameters\": {\"max_tokens\": 4}}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);

    List<OtlpReceiver.ReceivedSpan> trace = awaitSpans(traceId, 3);
    OtlpReceiver.ReceivedSpan server = one(trace, "POST /v1/generate");
    OtlpReceiver.ReceivedSpan call = one(trace, "provider call");
    OtlpReceiver.ReceivedSpan remote = one(trace, "POST /invocations");

    assertThat(server.service()).isEqualTo("mcp-gateway");
    assertThat(server.parentSpanId()).isEqualTo(callerSpan);
    assertThat(server.kind()).isEqualTo(2); // SPAN_KIND_SERVER
    assertThat(server.attributes()).containsEntry("mcp.provider", "aws");
    assertThat(call.service()).isEqualTo("mcp-gateway");
    assertThat(call.parentSpanId()).isEqualTo(server.spanId());
    assertThat(call.kind()).isEqualTo(3); // SPAN_KIND_CLIENT
    assertThat(remote.service()).isEqualTo("mcp-inference-endpoint");
    assertThat(remote.parentSpanId()).isEqualTo(call.spanId());
    assertThat(remote.attributes())
        .containsEntry("http.response.status_code", "200")
        .containsKey("mcp.prompt_tokens")
        .containsKey("mcp.completion_tokens");
    assertThat(receiver.contentTypes()).allMatch(t -> t.startsWith("application/x-protobuf"));
  }

  private static List<OtlpReceiver.ReceivedSpan> awaitSpans(String traceId, int n)
      throws InterruptedException {
    List<OtlpReceiver.ReceivedSpan> found = List.of();
    for (int i = 0; i < 200 && found.size() < n; i++) {
      Thread.sleep(50); // the batch processors export every 500 ms
      found = receiver.spans().stream().filter(s -> s.traceId().equals(traceId)).toList();
    }
    assertThat(found).as("spans of trace %s: %s", traceId, receiver.spans()).hasSize(n);
    return found;
  }

  private static OtlpReceiver.ReceivedSpan one(List<OtlpReceiver.ReceivedSpan> spans, String name) {
    List<OtlpReceiver.ReceivedSpan> named =
        spans.stream().filter(s -> s.name().equals(name)).toList();
    assertThat(named).as("spans named " + name + " in " + spans).hasSize(1);
    return named.get(0);
  }
}
