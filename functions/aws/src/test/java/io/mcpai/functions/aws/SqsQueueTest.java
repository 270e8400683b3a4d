package io.mcpai.functions.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mcpai.app.contract.ContractSettings;
import io.mcpai.app.contract.RecordingBatchCommand;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.function.adapter.aws.FunctionInvoker;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The SQS trigger against a real SQS API (ElasticMQ, embedded, on a real port, through the AWS SDK
 * v2): messages are sent, received as Lambda's event source mapping receives them, handed to {@code
 * FunctionInvoker::handleRequest} as an SQS event, and the partial batch response is applied as
 * Lambda applies it (started: deleted; reported: left to reappear). A good message ends as a
 * started job with the right arguments; a bad one is reported on every delivery and lands in the
 * dead-letter queue after {@code maxReceiveCount}.
 */
class SqsQueueTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final int MAX_RECEIVE_COUNT = 2;
  static SQSRestServer server;
  static SqsClient sqs;
  static FunctionInvoker invoker;
  static RecordingBatchCommand batch;
  static String queue;
  static String dlq;
  static String queueArn;

  @BeforeAll
  static void start() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    server = SQSRestServerBuilder.withPort(port).withInterface("127.0.0.1").start();
    server.waitUntilStarted();
    sqs =
        SqsClient.builder()
            .endpointOverride(URI.create("http://127.0.0.1:" + port))
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "x")))
            .build();
    dlq = sqs.createQueue(b -> b.queueName("mcp-batch-jobs-dlq")).queueUrl();
    String dlqArn =
        sqs.getQueueAttributes(b -> b.queueUrl(dlq).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    queue =
        sqs.createQueue(
                b ->
                    b.queueName("mcp-batch-jobs")
                        .attributes(
                            Map.of(
                                QueueAttributeName.VISIBILITY_TIMEOUT,
                                "1",
                                QueueAttributeName.REDRIVE_POLICY,
                                "{\"deadLetterTargetArn\":\""
                                    + dlqArn
                                    + "\",\"maxReceiveCount\":\""
                                    + MAX_RECEIVE_COUNT
                                    + "\"}")))
            .queueUrl();
    queueArn =
        sqs.getQueueAttributes(b -> b.queueUrl(queue).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    ContractSettings.apply();
    batch = new RecordingBatchCommand();
    batch.apply();
    System.setProperty("MAIN_CLASS", AwsFunctions.class.getName());
    invoker = AotStart.start(() -> new FunctionInvoker("batchJobTrigger"));
  }

  @AfterAll
  static void stop() {
    if (sqs != null) {
      sqs.close();
    }
    if (server != null) {
      server.stopAndWait();
    }
  }

  /** Lambda's SQS event for the received messages. */
  static byte[] sqsEvent(List<Message> messages) throws Exception {
    ObjectNode event = JSON.createObjectNode();
    ArrayNode records = event.putArray("Records");
    for (Message m : messages) {
      ObjectNode r = records.addObject();
      r.put("messageId", m.messageId());
      r.put("receiptHandle", m.receiptHandle());
      r.put("body", m.body());
      ObjectNode attrs = r.putObject("attributes");
      m.attributes().forEach((k, v) -> attrs.put(k.toString(), v));
      r.putObject("messageAttributes");
      r.put("md5OfBody", m.md5OfBody());
      r.put("eventSource", "aws:sqs");
      r.put("eventSourceARN", queueArn);
      r.put("awsRegion", "us-east-1");
    }
    return JSON.writeValueAsBytes(event);
  }

  /** One poll of the event source mapping; returns the ids the function reported as failed. */
  static Set<String> pollOnce() throws Exception {
    List<Message> got =
        sqs.receiveMessage(
                b ->
                    b.queueUrl(queue)
                        .maxNumberOfMessages(10)
                        .waitTimeSeconds(2)
                        .messageSystemAttributeNames(MessageSystemAttributeName.ALL))
            .messages();
    if (got.isEmpty()) {
      return Set.of();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    invoker.handleRequest(new ByteArrayInputStream(sqsEvent(got)), out, null);
    JsonNode response = JSON.readTree(out.toByteArray());
    Set<String> failed = new HashSet<>();
    response.path("batchItemFailures").forEach(f -> failed.add(f.path("itemIdentifier").asText()));
    for (Message m : got) {
      if (!failed.contains(m.messageId())) {
        sqs.deleteMessage(b -> b.queueUrl(queue).receiptHandle(m.receiptHandle()));
      }
    }
    return failed;
  }

  @Test
  void aGoodMessageStartsAJobAndABadOneIsReportedAndDeadLettered() throws Exception {
    String good =
        "{\"v\":1,\"job_id\":\"nightly-1\",\"input\":\"s3://in/prompts.jsonl\","
            + "\"output\":\"s3://out/nightly/\",\"options\":{\"maxBatchSize\":\"16\"}}";
    String bad = "{\"v\":1,\"input\":\"s3://in/x.jsonl\"}";
    String goodId = sqs.sendMessage(b -> b.queueUrl(queue).messageBody(good)).messageId();
    String badId = sqs.sendMessage(b -> b.queueUrl(queue).messageBody(bad)).messageId();

    Set<String> reported = new HashSet<>();
    // Each receive counts; after MAX_RECEIVE_COUNT failed deliveries the queue dead-letters.
    for (int i = 0; i < 8 && !dlqHas(badId); i++) {
      reported.addAll(pollOnce());
    }

    assertThat(batch.argumentsOf("nightly-1", Duration.ofSeconds(10)))
        .isEqualTo(
            "run --input s3://in/prompts.jsonl --output s3://out/nightly/ --job-id nightly-1"
                + " --runner=DirectRunner --maxBatchSize=16");
    assertThat(reported).containsExactly(badId).doesNotContain(goodId);
    assertThat(dlqHas(badId)).as("the bad message is in mcp-batch-jobs-dlq").isTrue();
    assertThat(batch.startedJobs()).containsExactly("nightly-1");
    assertThat(
            sqs.getQueueAttributes(
                    b ->
                        b.queueUrl(queue)
                            .attributeNames(
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
                .attributes()
                .values())
        .as("nothing left in the queue")
        .containsOnly("0");
  }

  private static final Set<String> deadLettered = new HashSet<>();

  static boolean dlqHas(String id) {
    if (deadLettered.contains(id)) {
      return true;
    }
    for (Message m :
        sqs.receiveMessage(b -> b.queueUrl(dlq).maxNumberOfMessages(10).visibilityTimeout(30))
            .messages()) {
      deadLettered.add(m.messageId());
    }
    return deadLettered.contains(id);
  }
}
