package io.mcpai.functions.gcp;

import com.google.cloud.functions.invoker.runner.Invoker;
import io.mcpai.app.contract.ContractCall;
import io.mcpai.app.contract.ContractReply;
import io.mcpai.app.contract.ContractSettings;
import io.mcpai.app.contract.HttpContractSuite;
import io.mcpai.app.contract.WebRunner;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The contract through the real Google Cloud Functions Java invoker (functions framework 2.0.0,
 * Jetty) running {@link GcpHttpGateway} in-process on a real port, as Cloud Functions gen2 runs it.
 */
class GcpContractTest extends HttpContractSuite {
  static Invoker invoker;
  static int port;

  @BeforeAll
  static void start() throws Exception {
    ContractSettings.apply();
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    invoker =
        new Invoker(
            port, GcpHttpGateway.class.getName(), "http", GcpContractTest.class.getClassLoader());
    invoker.startTestServer();
  }

  @AfterAll
  static void stop() throws Exception {
    invoker.stopServer();
  }

  @Override
  protected ContractReply call(ContractCall c) throws Exception {
    return WebRunner.send(port, c);
  }
}
