package io.mcpai.functions.gcp;

import io.mcpai.app.serverless.BatchJobs;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The Cloud Functions application. Two functions from one deploy source: {@code gateway} (HTTP,
 * entry point {@link GcpHttpGateway}) and {@code batchJobTrigger} (Pub/Sub, entry point Spring
 * Cloud Function's {@code GcfJarLauncher} with {@code FUNCTION_NAME=batchJobTrigger}).
 */
@SpringBootApplication(scanBasePackages = {"io.mcpai.app", "io.mcpai.functions.gcp"})
public class GcpFunctions {

  public static void main(String[] args) {
    SpringApplication.run(GcpFunctions.class, args);
  }

  @Bean
  PubSubBatchTrigger batchJobTrigger(ObjectProvider<BatchJobs> batchJobs) {
    return new PubSubBatchTrigger(batchJobs);
  }
}
