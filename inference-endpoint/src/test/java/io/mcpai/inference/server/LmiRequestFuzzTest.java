package io.mcpai.inference.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Hostile bodies against the endpoint's LMI request reader: whatever the bytes, only our {@link
 * ApiError} (a 4xx) may come out, and a parsed request is always within the documented ranges.
 * Regression mode (default) runs the seeds in {@code LmiRequestFuzzTestInputs/}; fuzz for real with
 * {@code JAZZER_FUZZ=1 ./mvnw -o -pl inference-endpoint test -Dtest=LmiRequestFuzzTest}.
 */
class LmiRequestFuzzTest {
  static final int CTX = 256;
  static final int VOCAB = 512;

  @FuzzTest(maxDuration = "2m")
  void parsesOrRefuses(byte[] bytes) {
    try {
      LmiRequest r =
          LmiRequest.parse(
              InferenceHandler.parseObject(new String(bytes, StandardCharsets.UTF_8)), CTX, VOCAB);
      assertThat(r.inputs()).isNotNull();
      assertThat(r.sampling().maxNewTokens()).isBetween(1, CTX);
      assertThat(r.sampling().topK()).isBetween(0, VOCAB);
      assertThat(r.sampling().topP()).isGreaterThan(0).isLessThanOrEqualTo(1);
      assertThat(r.sampling().temperature()).isBetween(0.0, 100.0);
    } catch (ApiError e) {
      assertThat(e.status.code()).isBetween(400, 499);
      assertThat(e.getMessage()).isNotBlank();
    }
  }
}
