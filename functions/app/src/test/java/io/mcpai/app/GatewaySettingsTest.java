package io.mcpai.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpai.app.serverless.ServerlessConfiguration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class GatewaySettingsTest {
  @Test
  void providersSeeEverySettingAnAdapterReadFromTheSecretStore() {
    StandardEnvironment spring = new StandardEnvironment();
    spring
        .getPropertySources()
        .addFirst(
            new MapPropertySource(
                ServerlessConfiguration.SECRETS_SOURCE,
                Map.of("OPENAI_API_KEY", "sk-from-store", "ANY_NAME_A_PROVIDER_USES", "v")));
    Map<String, String> env = GatewaySettings.environment(spring, GatewaySettings.NAMES);
    assertThat(env)
        .containsEntry("OPENAI_API_KEY", "sk-from-store")
        .containsEntry("ANY_NAME_A_PROVIDER_USES", "v");
    // Without the source, only the process environment and the named settings.
    assertThat(GatewaySettings.environment(new StandardEnvironment(), GatewaySettings.NAMES))
        .doesNotContainKey("ANY_NAME_A_PROVIDER_USES");
  }
}
