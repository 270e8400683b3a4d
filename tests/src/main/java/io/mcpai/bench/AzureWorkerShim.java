package io.mcpai.bench;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * What the Azure Functions Java worker does with a {@code @FunctionName} method, for the cold-start
 * benchmark: ask the {@code FunctionInstanceInjector} found by ServiceLoader (Spring Cloud
 * Function's) for the class's instance, then call the method with an HTTP request. Arguments: the
 * class, then {@code method path bodyFile} triples. Prints {@code DONE name status}. Reflection and
 * dynamic proxies only: it runs on the staged package's classpath.
 */
public final class AzureWorkerShim {
  private AzureWorkerShim() {}

  public static void main(String[] args) throws Exception {
    ClassLoader cl = AzureWorkerShim.class.getClassLoader();
    Class<?> injectorType =
        Class.forName("com.microsoft.azure.functions.spi.inject.FunctionInstanceInjector");
    Object injector = ServiceLoader.load(injectorType).findFirst().orElseThrow();
    Class<?> functionClass = Class.forName(args[0]);
    Object function =
        injectorType.getMethod("getInstance", Class.class).invoke(injector, functionClass);
    Method run = null;
    for (Method m : functionClass.getMethods()) {
      if (m.getName().equals("run")) {
        run = m;
      }
    }
    Class<?> requestType = Class.forName("com.microsoft.azure.functions.HttpRequestMessage");
    Class<?> builderType =
        Class.forName("com.microsoft.azure.functions.HttpResponseMessage$Builder");
    Class<?> responseType = Class.forName("com.microsoft.azure.functions.HttpResponseMessage");
    Class<?> statusType = Class.forName("com.microsoft.azure.functions.HttpStatusType");
    @SuppressWarnings({"unchecked", "rawtypes"})
    Class<Enum> methodEnum =
        (Class<Enum>) Class.forName("com.microsoft.azure.functions.HttpMethod");
    for (int i = 1; i + 2 < args.length + 1; i += 3) {
      String method = args[i];
      String path = args[i + 1];
      String body = Files.readString(Path.of(args[i + 2]));
      Map<String, String> headers = Map.of("content-type", "application/json");
      Object[] status = new Object[1];
      Object builder =
          Proxy.newProxyInstance(
              cl,
              new Class<?>[] {builderType},
              (p, m, a) -> {
                switch (m.getName()) {
                  case "status" -> status[0] = a[0];
                  case "build" -> {
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("status", status[0]);
                    return Proxy.newProxyInstance(
                        cl,
                        new Class<?>[] {responseType},
                        (p2, m2, a2) ->
                            switch (m2.getName()) {
                              case "getStatus" -> status[0];
                              case "getStatusCode" ->
                                  statusType.getMethod("value").invoke(status[0]);
                              default -> null;
                            });
                  }
                  default -> {}
                }
                return p;
              });
      Object request =
          Proxy.newProxyInstance(
              cl,
              new Class<?>[] {requestType},
              (p, m, a) ->
                  switch (m.getName()) {
                    case "getUri" -> URI.create("http://localhost" + path);
                    case "getHttpMethod" -> Enum.valueOf(methodEnum, method);
                    case "getHeaders" -> headers;
                    case "getQueryParameters" -> Map.of();
                    case "getBody" -> Optional.of(body);
                    case "createResponseBuilder" -> {
                      status[0] = a[0];
                      yield builder;
                    }
                    default -> null;
                  });
      Object response = run.invoke(function, request, null);
      Object code = responseType.getMethod("getStatusCode").invoke(response);
      System.out.println("DONE " + path + " " + code + " cpu " + LambdaShim.cpuMillis());
      System.out.flush();
    }
    System.exit(0);
  }
}
