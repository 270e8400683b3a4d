package io.mcpai.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvSettingsTest {
  @Test
  void absentOrBlankTakesTheDefaultAndValuesAreTrimmed() {
    Map<String, String> env = Map.of("MCP_A", " 42 ", "MCP_B", "  ", "MCP_C", "0.25");
    assertThat(EnvSettings.integer(env, "MCP_A", 1)).isEqualTo(42);
    assertThat(EnvSettings.integer(env, "MCP_B", 7)).isEqualTo(7);
    assertThat(EnvSettings.integer(env, "MCP_MISSING", 9)).isEqualTo(9);
    assertThat(EnvSettings.number(env, "MCP_C", 1)).isEqualTo(0.25);
  }

  @Test
  void aBadValueNamesTheSettingAndWhatItGot() {
    Map<String, String> env = Map.of("MCP_MAX_QUEUE", "lots", "MCP_RATIO", "1,5");
    assertThatThrownBy(() -> EnvSettings.integer(env, "MCP_MAX_QUEUE", 1))
        .hasMessage("MCP_MAX_QUEUE must be an integer, got 'lots'");
    assertThatThrownBy(() -> EnvSettings.number(env, "MCP_RATIO", 1))
        .hasMessage("MCP_RATIO must be a number, got '1,5'");
  }
}
