package io.mcpai.functions.gcp;

import com.google.cloud.functions.HttpFunction;
import com.google.cloud.functions.HttpRequest;
import com.google.cloud.functions.HttpResponse;
import io.mcpai.app.serverless.HttpCall;
import io.mcpai.app.serverless.HttpReply;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.function.context.FunctionCatalog;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The HTTP entry point on Cloud Functions: the whole API (every path and method) through the {@code
 * httpGateway} function from the function catalog. Spring Cloud Function's own GCP invoker passes
 * only the body and headers to a function, not the path or method, and reads a String parameter as
 * JSON (spring-cloud-function #1183), so the HTTP function takes the request itself. The
 * application context starts once per instance, on the first request or when the framework
 * constructs this class.
 */
public final class GcpHttpGateway implements HttpFunction {
  private static volatile Function<HttpCall, HttpReply> gateway;

  public GcpHttpGateway() {
    gateway();
  }

  private static ConfigurableApplicationContext context;

  /** The application context, started once per instance (shared by the entry points). */
  static synchronized ConfigurableApplicationContext context() {
    if (context == null) {
      context = new SpringApplicationBuilder(GcpFunctions.class).web(WebApplicationType.NONE).run();
    }
    return context;
  }

  @SuppressWarnings("unchecked")
  static Function<HttpCall, HttpReply> gateway() {
    Function<HttpCall, HttpReply> g = gateway;
    if (g == null) {
      g = context().getBean(FunctionCatalog.class).lookup(Function.class, "httpGateway");
      gateway = g;
    }
    return g;
  }

  @Override
  public void service(HttpRequest request, HttpResponse response) throws Exception {
    byte[] body;
    try (var in = request.getInputStream()) {
      body = in.readAllBytes();
    }
    HttpReply reply =
        gateway()
            .apply(
                new HttpCall(
                    request.getMethod(),
                    request.getPath(),
                    request.getQuery().orElse(null),
                    request.getHeaders(),
                    body));
    response.setStatusCode(reply.status());
    for (Map.Entry<String, List<String>> h : reply.headers().entrySet()) {
      if (h.getKey().equals("content-type")) {
        response.setContentType(h.getValue().get(0));
        continue;
      }
      for (String v : h.getValue()) {
        response.appendHeader(h.getKey(), v);
      }
    }
    try (OutputStream out = response.getOutputStream()) {
      out.write(reply.body());
    }
  }
}
