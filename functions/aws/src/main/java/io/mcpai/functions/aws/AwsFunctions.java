package io.mcpai.functions.aws;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpai.app.serverless.BatchJobs;
import io.mcpai.app.serverless.HttpCall;
import io.mcpai.app.serverless.HttpReply;
import java.util.function.Function;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cloud.function.json.JacksonMapper;
import org.springframework.cloud.function.json.JsonMapper;
import org.springframework.context.annotation.Bean;

/**
 * The Lambda application: one jar, two functions, picked by {@code
 * SPRING_CLOUD_FUNCTION_DEFINITION}: {@code gateway} (Function URL or API Gateway HTTP API, payload
 * v2) and {@code batchJobTrigger} (SQS, partial batch failures). Handler: {@code
 * org.springframework.cloud.function.adapter.aws.FunctionInvoker::handleRequest}.
 */
@SpringBootApplication(scanBasePackages = {"io.mcpai.app", "io.mcpai.functions.aws"})
public class AwsFunctions {

  public static void main(String[] args) {
    SpringApplication.run(AwsFunctions.class, args);
  }

  @Bean
  ApiGatewayHttpFunction gateway(
      @Qualifier("httpGateway") Function<HttpCall, HttpReply> httpGateway) {
    return new ApiGatewayHttpFunction(httpGateway);
  }

  @Bean
  SqsBatchTrigger batchJobTrigger(ObjectProvider<BatchJobs> batchJobs) {
    return new SqsBatchTrigger(batchJobs);
  }

  /**
   * AWS event types are written in AWS's own field names; the application's JSON rules (snake_case,
   * strict) are for the API's bodies, which the functions write themselves.
   */
  @Bean
  JsonMapper jsonMapper() {
    return new JacksonMapper(
        new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false));
  }
}
