package io.mcpai.core.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TracingTest {

  @Test
  void offUnlessAnOtlpEndpointIsSet() {
    assertThat(Tracing.fromEnvironment(Map.of(), "svc")).isSameAs(Tracing.OFF);
    assertThat(Tracing.OFF.enabled()).isFalse();
    assertThat(Tracing.OFF.describe()).isEqualTo("off");
  }

  @Test
  void ourSettingWinsThenTheTracesSpecificThenTheGeneralOne() {
    assertThat(Tracing.tracesUrl(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318")))
        .isEqualTo("http://c:4318/v1/traces");
    assertThat(
            Tracing.tracesUrl(
                Map.of(
                    "OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318",
                    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://t:1/custom")))
        .isEqualTo("http://t:1/custom");
    assertThat(
            Tracing.tracesUrl(
                Map.of(
                    Tracing.ENDPOINT_ENV,
                    "http://mine:4318/",
                    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                    "http://t:1/custom")))
        .isEqualTo("http://mine:4318/v1/traces");
  }

  @Test
  void badSettingsFailNamingTheSetting() {
    assertThatThrownBy(() -> Tracing.fromEnvironment(Map.of(Tracing.ENDPOINT_ENV, "c:4318"), "s"))
        .hasMessageContaining("MCP_OTEL_ENDPOINT must be an http(s) URL");
    assertThatThrownBy(
            () ->
                Tracing.fromEnvironment(
                    Map.of(Tracing.ENDPOINT_ENV, "http://c", Tracing.SAMPLE_RATIO_ENV, "2"), "s"))
        .hasMessageContaining("MCP_OTEL_SAMPLE_RATIO must be in [0, 1], got '2'");
  }
}
