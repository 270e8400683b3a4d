package io.mcpai.functions.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.azure.storage.queue.QueueClient;
import com.azure.storage.queue.QueueClientBuilder;
import com.azure.storage.queue.QueueMessageEncoding;
import com.azure.storage.queue.models.QueueMessageItem;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.azure.functions.spi.inject.FunctionInstanceInjector;
import io.mcpai.app.contract.ContractSettings;
import io.mcpai.app.contract.RecordingBatchCommand;
import java.io.File;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Queue Storage trigger against Azurite (the real Azure Storage emulator, npm package {@code
 * azurite}, installed under {@code target/azurite} on first run and started by the test), through
 * the Azure SDK with base64 messages as the Functions runtime expects. No Functions host runs here,
 * so the test plays the host's queue listener with host.json's own settings: a message that made
 * the function throw becomes visible again, and after {@code maxDequeueCount} deliveries it is
 * moved to {@code mcp-batch-jobs-poison}. Skipped, saying so, when npm is not available.
 */
class AzuriteQueueTest {
  static final String ACCOUNT_KEY =
      "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
  static Process azurite;
  static QueueClient queue;
  static QueueClient poison;
  static BatchQueueTrigger trigger;
  static RecordingBatchCommand batch;
  static int maxDequeueCount;

  @BeforeAll
  static void start() throws Exception {
    Path home = Path.of("target/azurite").toAbsolutePath();
    Path bin = home.resolve("node_modules/.bin/azurite-queue");
    if (!Files.isExecutable(bin)) {
      assumeTrue(onPath("npm"), "npm not found: the Azurite queue test is skipped");
      Files.createDirectories(home);
      Process install =
          new ProcessBuilder(
                  "npm",
                  "install",
                  "--no-save",
                  "--no-audit",
                  "--no-fund",
                  "--prefix",
                  home.toString(),
                  "azurite@3.37.0")
              .redirectErrorStream(true)
              .redirectOutput(home.resolve("npm-install.log").toFile())
              .start();
      boolean done = install.waitFor(5, TimeUnit.MINUTES);
      assumeTrue(
          done && install.exitValue() == 0 && Files.isExecutable(bin),
          "could not install azurite with npm (see target/azurite/npm-install.log): skipped");
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path data = Files.createTempDirectory("azurite");
    azurite =
        new ProcessBuilder(
                bin.toString(),
                "--queueHost",
                "127.0.0.1",
                "--queuePort",
                Integer.toString(port),
                "--location",
                data.toString(),
                "--silent",
                "--skipApiVersionCheck")
            .redirectErrorStream(true)
            .redirectOutput(data.resolve("azurite.log").toFile())
            .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!listening(port)) {
      assertThat(azurite.isAlive()).as("azurite exited; see %s", data).isTrue();
      assertThat(System.nanoTime()).as("azurite start").isLessThan(deadline);
      Thread.sleep(200);
    }
    String connection =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey="
            + ACCOUNT_KEY
            + ";QueueEndpoint=http://127.0.0.1:"
            + port
            + "/devstoreaccount1;";
    queue = client(connection, "mcp-batch-jobs");
    poison = client(connection, "mcp-batch-jobs-poison");
    queue.create();
    poison.create();

    JsonNode host = new ObjectMapper().readTree(new File("host.json"));
    maxDequeueCount = host.at("/extensions/queues/maxDequeueCount").asInt();
    assertThat(host.at("/extensions/queues/messageEncoding").asText()).isEqualTo("base64");

    ContractSettings.apply();
    batch = new RecordingBatchCommand();
    batch.apply();
    System.setProperty("MAIN_CLASS", AzureFunctions.class.getName());
    trigger =
        ServiceLoader.load(FunctionInstanceInjector.class)
            .findFirst()
            .orElseThrow()
            .getInstance(BatchQueueTrigger.class);
  }

  static QueueClient client(String connection, String name) {
    return new QueueClientBuilder()
        .connectionString(connection)
        .queueName(name)
        .messageEncoding(QueueMessageEncoding.BASE64)
        .buildClient();
  }

  static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  static boolean listening(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (azurite != null) {
      azurite.destroy();
      azurite.waitFor(10, TimeUnit.SECONDS);
    }
  }

  /** One pass of the host's queue listener; true when it saw a message. */
  static boolean listenOnce() {
    boolean any = false;
    for (QueueMessageItem m : queue.receiveMessages(8, Duration.ofSeconds(30), null, null)) {
      any = true;
      try {
        trigger.run(m.getBody().toString(), m.getMessageId(), null);
        queue.deleteMessage(m.getMessageId(), m.getPopReceipt());
      } catch (RuntimeException failed) {
        if (m.getDequeueCount() >= maxDequeueCount) {
          poison.sendMessage(m.getBody());
          queue.deleteMessage(m.getMessageId(), m.getPopReceipt());
        } else {
          queue.updateMessage(m.getMessageId(), m.getPopReceipt(), null, Duration.ZERO);
        }
      }
    }
    return any;
  }

  @Test
  void aGoodMessageStartsAJobAndABadOneEndsInThePoisonQueue() throws Exception {
    queue.sendMessage(
        "{\"v\":1,\"job_id\":\"azure-1\",\"input\":\"abfss://in@acct.dfs.core.windows.net/p.jsonl\","
            + "\"output\":\"abfss://out@acct.dfs.core.windows.net/r/\",\"runner\":\"DirectRunner\"}");
    String bad = "{\"v\":2,\"input\":\"x\",\"output\":\"y\"}";
    queue.sendMessage(bad);

    for (int i = 0; i < 20 && listenOnce(); i++) {
      // until the queue is drained: started, or poisoned after maxDequeueCount tries
    }

    assertThat(batch.argumentsOf("azure-1", Duration.ofSeconds(10)))
        .isEqualTo(
            "run --input abfss://in@acct.dfs.core.windows.net/p.jsonl --output"
                + " abfss://out@acct.dfs.core.windows.net/r/ --job-id azure-1 --runner=DirectRunner");
    List<String> poisoned = new ArrayList<>();
    poison.receiveMessages(10).forEach(m -> poisoned.add(m.getBody().toString()));
    assertThat(poisoned).containsExactly(bad);
    assertThat(queue.getProperties().getApproximateMessagesCount()).isZero();
    assertThat(batch.startedJobs()).containsExactly("azure-1");
  }
}
