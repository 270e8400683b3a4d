package io.mcpai.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** When auth may be off: only a loopback web runner, never inside a cloud function. */
class SecuritySettingsTest {
  @Test
  void aWebRunnerOnLoopbackMayRunWithoutKeys() {
    MockEnvironment env = new MockEnvironment().withProperty("server.address", "127.0.0.1");
    assertThat(SecuritySettings.from(env).loopbackOnly()).isTrue();
    assertThat(SecuritySettings.from(new MockEnvironment()).loopbackOnly()).isFalse();
  }

  @Test
  void insideACloudFunctionLoopbackNeverCountsSoNoKeysFailsClosed() {
    for (String platform :
        new String[] {
          "AWS_LAMBDA_FUNCTION_NAME", "K_SERVICE", "FUNCTION_TARGET", "FUNCTIONS_WORKER_RUNTIME"
        }) {
      MockEnvironment env =
          new MockEnvironment()
              .withProperty("server.address", "127.0.0.1")
              .withProperty(platform, "mcp-gateway");
      assertThat(SecuritySettings.from(env).loopbackOnly()).as(platform).isFalse();
    }
  }
}
