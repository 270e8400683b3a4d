package io.mcpai.functions.azure;

import com.microsoft.azure.functions.ExecutionContext;
import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpRequestMessage;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.HttpStatusType;
import com.microsoft.azure.functions.annotation.AuthorizationLevel;
import com.microsoft.azure.functions.annotation.FunctionName;
import com.microsoft.azure.functions.annotation.HttpTrigger;
import io.mcpai.app.serverless.HttpCall;
import io.mcpai.app.serverless.HttpReply;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.cloud.function.context.FunctionCatalog;
import org.springframework.stereotype.Component;

/**
 * The HTTP trigger: every path ({@code route = "{*path}"}, with host.json's {@code routePrefix}
 * empty, so {@code /v1/generate} is {@code /v1/generate}) to the {@code httpGateway} function from
 * the catalog. Anonymous at the platform: the gateway does its own authentication. The Azure
 * Functions HTTP trigger buffers responses, so a streamed chat answer arrives whole.
 */
@Component
public class GatewayHttpTrigger {
  private final Function<HttpCall, HttpReply> gateway;

  public GatewayHttpTrigger(FunctionCatalog catalog) {
    this.gateway = catalog.lookup(Function.class, "httpGateway");
  }

  @FunctionName("gateway")
  public HttpResponseMessage run(
      @HttpTrigger(
              name = "request",
              methods = {
                HttpMethod.GET,
                HttpMethod.POST,
                HttpMethod.PUT,
                HttpMethod.DELETE,
                HttpMethod.PATCH,
                HttpMethod.HEAD,
                HttpMethod.OPTIONS
              },
              authLevel = AuthorizationLevel.ANONYMOUS,
              route = "{*path}")
          HttpRequestMessage<Optional<String>> request,
      ExecutionContext context) {
    URI uri = request.getUri();
    Map<String, List<String>> headers = new LinkedHashMap<>();
    request.getHeaders().forEach((k, v) -> headers.put(k, List.of(v)));
    byte[] body =
        request.getBody().map(b -> b.getBytes(StandardCharsets.UTF_8)).orElse(new byte[0]);
    HttpReply reply =
        gateway.apply(
            new HttpCall(
                request.getHttpMethod().name(),
                uri.getRawPath(),
                uri.getRawQuery(),
                headers,
                body));
    HttpResponseMessage.Builder r =
        request.createResponseBuilder(HttpStatusType.custom(reply.status()));
    reply.headers().forEach((k, v) -> r.header(k, String.join(",", v)));
    return r.body(reply.body()).build();
  }
}
