package io.mcpai.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthenticatorTest {
  static final String SECRET_A = "mcp-team-a-secret-0123456789abcdef";
  static final String SECRET_B = "mcp-team-b-secret-fedcba9876543210";

  static ApiKeyStore store() {
    return ApiKeyStore.parseFile(
        """
        keys:
          - id: a-prod
            tenant: team-a
            sha256: %s
            models: [llama-2-7b-chat]
            providers: [aws]
            requests_per_minute: 5
          - tenant: team-b
            sha256: %s
        """
            .formatted(ApiKeyStore.sha256Hex(SECRET_A), ApiKeyStore.sha256Hex(SECRET_B)),
        "keys.yaml");
  }

  @Test
  void bearerAndXApiKeyBothIdentifyTheKeyAndItsTenant() {
    Authenticator auth = Authenticator.requiring(store());
    ApiKey a = auth.authenticate("Bearer " + SECRET_A, null);
    assertThat(a.id()).isEqualTo("a-prod");
    assertThat(a.caller()).isEqualTo(new Caller("team-a", "a-prod"));
    assertThat(a.limits()).isEqualTo(new KeyLimits(5, 0));
    ApiKey b = auth.authenticate(null, SECRET_B);
    assertThat(b.tenant()).isEqualTo("team-b");
    // No id configured: tenant plus the hash's first bytes, stable across restarts.
    assertThat(b.id()).isEqualTo("team-b-" + ApiKeyStore.sha256Hex(SECRET_B).substring(0, 8));
    assertThat(auth.authenticate("bearer  " + SECRET_B + " ", null)).isEqualTo(b);
  }

  @Test
  void missingWrongOrMalformedCredentialsAre401AndNeverEchoTheSecret() {
    Authenticator auth = Authenticator.requiring(store());
    assertThatThrownBy(() -> auth.authenticate(null, null))
        .isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.status()).isEqualTo(401))
        .hasMessageContaining("API key is required");
    String wrong = SECRET_A + "x";
    assertThatThrownBy(() -> auth.authenticate("Bearer " + wrong, null))
        .isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.status()).isEqualTo(401))
        .message()
        .doesNotContain(wrong)
        .doesNotContain("mcp-team");
    assertThatThrownBy(() -> auth.authenticate("Basic " + SECRET_A, null))
        .isInstanceOf(Rejection.class)
        .message()
        .doesNotContain(SECRET_A);
    // The hash is not a key.
    assertThatThrownBy(() -> auth.authenticate(null, ApiKeyStore.sha256Hex(SECRET_A)))
        .isInstanceOf(Rejection.class);
  }

  @Test
  void aValidKeyOutsideItsAllowListIs403NamingTheField() {
    ApiKey a = Authenticator.requiring(store()).authenticate("Bearer " + SECRET_A, null);
    Authenticator.authorize(a, "llama-2-7b-chat", "aws");
    Authenticator.authorize(a, "llama-2-7b-chat", null);
    assertThatThrownBy(() -> Authenticator.authorize(a, "tinyllama", null))
        .isInstanceOfSatisfying(
            Rejection.class,
            r -> {
              assertThat(r.status()).isEqualTo(403);
              assertThat(r.param()).isEqualTo("model");
            });
    assertThatThrownBy(() -> Authenticator.authorize(a, "llama-2-7b-chat", "gcp"))
        .isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.param()).isEqualTo("provider"));
  }

  @Test
  void offMeansEveryoneIsTheAnonymousLocalCaller() {
    Authenticator off = Authenticator.off();
    assertThat(off.required()).isFalse();
    assertThat(off.authenticate(null, null).caller()).isEqualTo(Caller.ANONYMOUS);
  }

  @Test
  void compactListTakesRawKeysOrHashes() {
    ApiKeyStore s =
        ApiKeyStore.parseList(
            "ops:" + SECRET_A + ", web:sha256:" + ApiKeyStore.sha256Hex(SECRET_B), "MCP_API_KEYS");
    assertThat(s.find(SECRET_A).tenant()).isEqualTo("ops");
    assertThat(s.find(SECRET_B).tenant()).isEqualTo("web");
    assertThat(s.find("nope")).isNull();
    assertThatThrownBy(() -> ApiKeyStore.parseList("justasecretvalue", "MCP_API_KEYS"))
        .hasMessageContaining("MCP_API_KEYS")
        .message()
        .doesNotContain("justasecretvalue");
  }

  @Test
  void keysFilesRefusePlainSecretsUnknownFieldsBadHashesAndDuplicateIds(@TempDir Path dir)
      throws Exception {
    Path f = dir.resolve("keys.json");
    Files.writeString(f, "{\"keys\": [{\"tenant\": \"t\", \"key\": \"" + SECRET_A + "\"}]}");
    assertThatThrownBy(() -> ApiKeyStore.load(f)).hasMessageContaining("sha256 of the key");
    Files.writeString(f, "{\"keys\": [{\"tenant\": \"t\", \"sha256\": \"abc\"}]}");
    assertThatThrownBy(() -> ApiKeyStore.load(f)).hasMessageContaining("64 hex");
    Files.writeString(
        f,
        "{\"keys\": [{\"tenant\": \"t\", \"sha256\": \""
            + "0".repeat(64)
            + "\", \"modles\": []}]}");
    assertThatThrownBy(() -> ApiKeyStore.load(f)).hasMessageContaining("unknown field 'modles'");
    String h = ApiKeyStore.sha256Hex(SECRET_A);
    Files.writeString(
        f,
        "{\"keys\": [{\"id\": \"x\", \"tenant\": \"t\", \"sha256\": \"%s\"}, {\"id\": \"x\", \"tenant\": \"u\", \"sha256\": \"%s\"}]}"
            .formatted(h, h));
    assertThatThrownBy(() -> ApiKeyStore.load(f)).hasMessageContaining("configured twice");
  }

  @Test
  void generatedSecretsAreLongRandomAndPrefixed() {
    String a = ApiKeyStore.generateSecret();
    assertThat(a).startsWith("mcp-").hasSize(4 + 43).isNotEqualTo(ApiKeyStore.generateSecret());
    assertThat(a.substring(4)).matches("[A-Za-z0-9_-]+");
  }
}
