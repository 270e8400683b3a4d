package io.mcpai.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Load shedding, CORS, redaction and UTF-8 validation: the small rules at the edge. */
class EdgeRulesTest {

  @Test
  void theShedderAdmitsUpToItsBoundThenRefusesFastUntilASlotFrees() {
    LoadShedder s = new LoadShedder(2, 1);
    LoadShedder.Permit a = s.acquire();
    LoadShedder.Permit b = s.acquire();
    assertThatThrownBy(s::acquire)
        .isInstanceOfSatisfying(
            Rejection.class,
            r -> {
              assertThat(r.status()).isEqualTo(503);
              assertThat(r.retryAfterSeconds()).isEqualTo(1);
            });
    assertThat(s.shed()).isEqualTo(1);
    a.close();
    a.close(); // closing twice frees one slot, not two
    assertThat(s.inFlight()).isEqualTo(1);
    s.acquire();
    assertThatThrownBy(s::acquire).isInstanceOf(Rejection.class);
    b.close();
    assertThat(new LoadShedder(0, 1).acquire()).isNotNull(); // 0 = off
  }

  @Test
  void corsAllowsNothingByDefaultAndExactlyTheListedOrigins() {
    CorsPolicy none = CorsPolicy.parse("");
    assertThat(none.responseHeaders("https://evil.example")).isEmpty();
    assertThat(none.preflight("https://evil.example", "POST", "authorization")).isNull();

    CorsPolicy p = CorsPolicy.parse("https://app.example.com, http://localhost:3000/");
    assertThat(p.allows("https://app.example.com")).isTrue();
    assertThat(p.allows("http://localhost:3000")).isTrue();
    assertThat(p.allows("https://app.example.com.evil.example")).isFalse();
    assertThat(p.allows("http://app.example.com")).isFalse();
    assertThat(p.responseHeaders("https://app.example.com"))
        .containsEntry("Access-Control-Allow-Origin", "https://app.example.com")
        .containsEntry("Vary", "Origin")
        .containsKey("Access-Control-Expose-Headers");
    assertThat(p.preflight("https://app.example.com", "POST", "Authorization, Content-Type"))
        .containsEntry("Access-Control-Max-Age", "600")
        .containsKey("Access-Control-Allow-Headers");
    assertThat(p.preflight("https://app.example.com", "DELETE", null)).isNull();
    assertThat(p.preflight("https://app.example.com", "POST", "x-evil")).isNull();
    assertThat(CorsPolicy.parse("*").responseHeaders("https://any.example"))
        .containsEntry("Access-Control-Allow-Origin", "*");
  }

  @Test
  void redactionRemovesCredentialsAndPromptsUnlessOptedIn() {
    String key = "mcp-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-";
    String text =
        "failed: Authorization: Bearer "
            + key
            + " x-api-key: hunter2 url=https://user:pa55word@host/p {\"api_key\": \"sk-live-12345678901234567890\"}";
    String s = Redactor.scrub(text);
    assertThat(s)
        .doesNotContain(key)
        .doesNotContain("hunter2")
        .doesNotContain("pa55word")
        .doesNotContain("sk-live")
        .contains("Bearer [redacted]")
        .contains("failed:");
    assertThat(Redactor.scrub("nothing secret here")).isEqualTo("nothing secret here");
    assertThat(new Redactor(false).prompt("tell me a secret"))
        .isEqualTo("[prompt redacted: 16 chars]");
    assertThat(new Redactor(true).prompt("tell me a secret")).isEqualTo("tell me a secret");
  }

  @Test
  void utf8ValidationAgreesWithTheJdksStrictDecoderOnRandomAndEdgeBytes() {
    byte[][] cases = {
      "héllo wörld 𝄞".getBytes(StandardCharsets.UTF_8),
      {(byte) 0xC0, (byte) 0x80}, // overlong NUL
      {(byte) 0xE0, (byte) 0x80, (byte) 0x80}, // overlong
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // surrogate
      {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
      {(byte) 0xF0, (byte) 0x9F, (byte) 0x98}, // truncated
      {(byte) 0xFF},
      {}
    };
    for (byte[] c : cases) {
      assertThat(Utf8Validator.isValid(c)).as(java.util.Arrays.toString(c)).isEqualTo(jdk(c));
    }
    Random r = new Random(42);
    for (int i = 0; i < 20_000; i++) {
      byte[] b = new byte[r.nextInt(12)];
      for (int j = 0; j < b.length; j++) {
        // Mostly the interesting range (lead and continuation bytes).
        b[j] = (byte) (r.nextBoolean() ? 0x80 + r.nextInt(0x80) : r.nextInt(256));
      }
      assertThat(Utf8Validator.isValid(b)).as(java.util.Arrays.toString(b)).isEqualTo(jdk(b));
    }
  }

  @Test
  void utf8ValidationWorksAcrossChunkBoundaries() {
    byte[] all = "a€𝄞b".getBytes(StandardCharsets.UTF_8);
    for (int cut = 0; cut <= all.length; cut++) {
      Utf8Validator v = new Utf8Validator();
      assertThat(v.feed(ByteBuffer.wrap(all, 0, cut))).isTrue();
      assertThat(v.feed(ByteBuffer.wrap(all, cut, all.length - cut))).isTrue();
      assertThat(v.finish()).isTrue();
    }
    Utf8Validator v = new Utf8Validator();
    v.feed(ByteBuffer.wrap(new byte[] {'a', 'b', (byte) 0xE2, (byte) 0x82}));
    assertThat(v.finish()).isFalse();
    assertThat(v.invalidAt()).isEqualTo(4);
  }

  private static boolean jdk(byte[] b) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
