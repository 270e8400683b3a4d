package io.mcpai.functions.azure;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The Azure Functions application: the worker asks Spring Cloud Function's instance injector for
 * the {@code @FunctionName} classes ({@link GatewayHttpTrigger}, {@link BatchQueueTrigger}), which
 * are beans of this context over the gateway's beans.
 */
@SpringBootApplication(scanBasePackages = {"io.mcpai.app", "io.mcpai.functions.azure"})
public class AzureFunctions {
  public static void main(String[] args) {
    SpringApplication.run(AzureFunctions.class, args);
  }
}
