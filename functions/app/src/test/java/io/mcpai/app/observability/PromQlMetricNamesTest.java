package io.mcpai.app.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PromQlMetricNamesTest {

  @Test
  void findsMetricsButNotFunctionsLabelsKeywordsDurationsOrGrafanaVariables() {
    assertThat(
            PromQlMetricNames.of(
                "histogram_quantile(0.99, sum by (le, cloud_provider)"
                    + " (rate(inference_request_duration_seconds_bucket{job=~\"a|b\", le!=\"+Inf\"}"
                    + "[$__rate_interval])))"))
        .containsExactly("inference_request_duration_seconds_bucket");
    assertThat(
            PromQlMetricNames.of(
                "sum(rate(errors_total[5m])) / on (instance) group_left (model)"
                    + " (sum without (type) (rate(requests_total[5m] offset 1h)) > bool 0)"
                    + " and ignoring(x) up == 0 unless vector(1)"))
        .containsExactlyInAnyOrder("errors_total", "requests_total", "up");
    assertThat(PromQlMetricNames.of("sum(x) by (le) * on() y:recorded:rate5m"))
        .containsExactlyInAnyOrder("x", "y:recorded:rate5m");
    assertThat(
            PromQlMetricNames.of(
                "label_replace(rate(a_total[${__range}]), \"provider\", \"$1\", \"cloud_provider\","
                    + " \"(.*)\") > $threshold"))
        .containsExactly("a_total");
    assertThat(PromQlMetricNames.of("max_over_time(q[1h:5m]) > Inf or NaN")).containsExactly("q");
  }

  @Test
  void refusesUnbalancedExpressions() {
    assertThatThrownBy(() -> PromQlMetricNames.of("sum(rate(x[5m])"))
        .hasMessageContaining("unclosed");
    assertThatThrownBy(() -> PromQlMetricNames.of("x{a=\"b}")).hasMessageContaining("quote");
    assertThatThrownBy(() -> PromQlMetricNames.of("rate(x[5m)]"))
        .hasMessageContaining("unbalanced");
  }
}
