package io.mcpai.core.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.mcpai.core.provider.ProviderConfig;
import io.mcpai.core.provider.ProviderSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

class ProviderPricingTest {

  private static ProviderConfig provider(String yaml) {
    List<ProviderConfig> ps = ProviderSettings.fromYaml(new Yaml().load(yaml), "test");
    return ps.get(0);
  }

  @Test
  void tokenPricedProvidersChargePromptAndCompletionSeparatelyFallingBackToTheFlatPrice() {
    ProviderPricing split =
        ProviderPricing.of(
            provider(
                """
                providers:
                  aws: {kind: lmi-http, endpoint: "http://h", cost_per_1k_tokens: 0.002,
                        cost_per_1k_completion_tokens: 0.004}
                """));
    // 1500 prompt tokens at the flat 0.002, 250 completion tokens at 0.004
    assertThat(split.cost(1500, 250, 1234)).isCloseTo(0.003 + 0.001, within(1e-12));
    assertThat(
            ProviderPricing.of(provider("providers: {a: {kind: lmi-http, endpoint: 'http://h'}}")))
        .isEqualTo(ProviderPricing.FREE);
  }

  @Test
  void selfHostedProvidersChargeTheirShareOfAnInstanceHour() {
    ProviderPricing hourly =
        ProviderPricing.of(
            provider(
                """
                providers:
                  local: {kind: lmi-http, endpoint: "http://h", instance_hour_usd: 3.6,
                          instance_concurrency: 4}
                """));
    // 2 s of a 3.60 USD/h instance shared by 4 requests: 3.6 * 2/3600 / 4 = 0.0005
    assertThat(hourly.cost(100, 100, 2000)).isCloseTo(0.0005, within(1e-12));
  }

  @Test
  void badPricesFailNamingTheProviderAndKey() {
    assertThatThrownBy(
            () ->
                ProviderPricing.of(
                    provider(
                        "providers: {gcp: {kind: lmi-http, endpoint: 'http://h', instance_hour_usd: x}}")))
        .hasMessageContaining("provider gcp")
        .hasMessageContaining("instance_hour_usd");
    assertThatThrownBy(
            () ->
                ProviderPricing.of(
                    new ProviderConfig(
                        "azure",
                        "lmi-http",
                        java.net.URI.create("http://h"),
                        null,
                        null,
                        512,
                        0,
                        1,
                        null,
                        null,
                        Map.of("instance_concurrency", "0.5"))))
        .hasMessageContaining("provider azure: instance_concurrency must be a number >= 1");
  }
}
