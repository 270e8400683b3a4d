package io.mcpai.functions.aws;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpai.app.serverless.HttpCall;
import io.mcpai.app.serverless.HttpReply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A Function URL / API Gateway HTTP API event (payload format 2.0) to the gateway and back. Bodies
 * arrive base64-encoded when API Gateway or the Function URL decides so; answers go out as text
 * unless binary. A streamed chat answer is returned whole: the Java managed runtime has no response
 * streaming (see README).
 */
public final class ApiGatewayHttpFunction implements Function<byte[], APIGatewayV2HTTPResponse> {
  /**
   * The event is read with the application's Jackson, already loaded, rather than the adapter's
   * route through aws-lambda-java-serialization, whose own shaded Jackson is ~700 more classes to
   * load on a cold start.
   */
  private static final ObjectMapper EVENTS =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final Function<HttpCall, HttpReply> gateway;

  public ApiGatewayHttpFunction(Function<HttpCall, HttpReply> gateway) {
    this.gateway = gateway;
  }

  /** The event's JSON bytes, as the function invoker passes them. */
  @Override
  public APIGatewayV2HTTPResponse apply(byte[] eventJson) {
    APIGatewayV2HTTPEvent event;
    try {
      event = EVENTS.readValue(eventJson, APIGatewayV2HTTPEvent.class);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(
          "not an API Gateway HTTP API / Function URL event (payload 2.0): " + e.getMessage(), e);
    }
    return serve(event);
  }

  public APIGatewayV2HTTPResponse serve(APIGatewayV2HTTPEvent event) {
    return response(gateway.apply(call(event)));
  }

  static HttpCall call(APIGatewayV2HTTPEvent event) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    if (event.getHeaders() != null) {
      // Payload v2 joins repeated headers with commas; the gateway reads them the same either way.
      event.getHeaders().forEach((k, v) -> headers.put(k, List.of(v)));
    }
    if (event.getCookies() != null && !event.getCookies().isEmpty()) {
      headers.put("cookie", List.of(String.join("; ", event.getCookies())));
    }
    String method =
        event.getRequestContext() != null && event.getRequestContext().getHttp() != null
            ? event.getRequestContext().getHttp().getMethod()
            : "GET";
    byte[] body =
        event.getBody() == null
            ? new byte[0]
            : event.getIsBase64Encoded()
                ? Base64.getDecoder().decode(event.getBody())
                : event.getBody().getBytes(StandardCharsets.UTF_8);
    return new HttpCall(method, event.getRawPath(), event.getRawQueryString(), headers, body);
  }

  static APIGatewayV2HTTPResponse response(HttpReply reply) {
    Map<String, String> headers = new LinkedHashMap<>();
    List<String> cookies = new ArrayList<>();
    reply
        .headers()
        .forEach(
            (k, v) -> {
              if (k.equals("set-cookie")) {
                cookies.addAll(v);
              } else {
                headers.put(k, String.join(",", v));
              }
            });
    APIGatewayV2HTTPResponse r = new APIGatewayV2HTTPResponse();
    r.setStatusCode(reply.status());
    r.setHeaders(headers);
    if (!cookies.isEmpty()) {
      r.setCookies(cookies);
    }
    if (reply.isText()) {
      r.setBody(reply.text());
      r.setIsBase64Encoded(false);
    } else {
      r.setBody(Base64.getEncoder().encodeToString(reply.body()));
      r.setIsBase64Encoded(true);
    }
    return r;
  }
}
