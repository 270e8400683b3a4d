package io.mcpai.functions.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.azure.functions.HttpMethod;
import com.microsoft.azure.functions.HttpResponseMessage;
import com.microsoft.azure.functions.spi.inject.FunctionInstanceInjector;
import io.mcpai.app.contract.ContractCall;
import io.mcpai.app.contract.ContractReply;
import io.mcpai.app.contract.ContractSettings;
import io.mcpai.app.contract.HttpContractSuite;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.function.adapter.azure.AzureFunctionInstanceInjector;

/**
 * The contract through the Azure Java worker's path: the {@link FunctionInstanceInjector} found by
 * ServiceLoader (Spring Cloud Function's, as the worker finds it) makes the {@code @FunctionName}
 * instance, and the test calls its method as the worker would, with the worker's request type. No
 * Azure Functions host runs here, so the request object is a minimal one (TestHttpRequest).
 */
class AzureContractTest extends HttpContractSuite {
  static GatewayHttpTrigger trigger;

  @BeforeAll
  static void start() throws Exception {
    ContractSettings.apply();
    System.setProperty("MAIN_CLASS", AzureFunctions.class.getName());
    FunctionInstanceInjector injector =
        ServiceLoader.load(FunctionInstanceInjector.class).findFirst().orElseThrow();
    trigger = injector.getInstance(GatewayHttpTrigger.class);
  }

  @Test
  void theWorkerFindsSpringCloudFunctionsInjector() {
    assertThat(ServiceLoader.load(FunctionInstanceInjector.class).findFirst())
        .get()
        .isInstanceOf(AzureFunctionInstanceInjector.class);
  }

  @Override
  protected ContractReply call(ContractCall c) {
    Map<String, String> headers = new LinkedHashMap<>();
    c.headers().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v));
    HttpResponseMessage r =
        trigger.run(
            new TestHttpRequest(
                HttpMethod.value(c.method()),
                URI.create("https://mcp-functions-azure.azurewebsites.net" + c.path()),
                headers,
                c.body()),
            null);
    Map<String, List<String>> out = new LinkedHashMap<>();
    ((TestHttpRequest.Response) r).headers().forEach((k, v) -> out.put(k, List.of(v)));
    Object body = r.getBody();
    String text =
        body instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(body);
    return new ContractReply(r.getStatusCode(), out, text);
  }
}
