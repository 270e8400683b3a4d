package io.mcpai.core.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** JWTs checked against a real JWKS endpoint (JDK HttpServer on loopback) with real RSA keys. */
class JwtVerifierTest {
  static final String ISSUER = "https://idp.example.com/";
  static final String AUDIENCE = "mcp-gateway";
  static RSAKey signing;
  static RSAKey impostor;
  static HttpServer jwks;
  static JwtVerifier verifier;

  @BeforeAll
  static void start() throws Exception {
    signing = new RSAKeyGenerator(2048).keyID("k1").generate();
    impostor = new RSAKeyGenerator(2048).keyID("k1").generate(); // same kid, other key
    byte[] body = new JWKSet(signing.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
    jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
    jwks.createContext(
        "/jwks.json",
        ex -> {
          ex.getResponseHeaders().set("content-type", "application/json");
          ex.sendResponseHeaders(200, body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    jwks.start();
    verifier =
        new JwtVerifier(
            ISSUER,
            AUDIENCE,
            URI.create("http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks.json"),
            "tenant");
  }

  @AfterAll
  static void stop() {
    jwks.stop(0);
  }

  static JWTClaimsSet.Builder claims() {
    return new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .subject("svc-batch")
        .claim("tenant", "platform")
        .expirationTime(new Date(System.currentTimeMillis() + 600_000));
  }

  static String sign(JWTClaimsSet c, RSAKey key) throws Exception {
    SignedJWT jwt =
        new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), c);
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  @Test
  void aValidTokenIsACallerOfItsTenantWithItsClaimedAllowLists() throws Exception {
    ApiKey k =
        verifier.verify(sign(claims().claim("models", List.of("chatml-tiny")).build(), signing));
    assertThat(k.caller()).isEqualTo(new Caller("platform", "jwt:svc-batch"));
    assertThat(k.allowsModel("chatml-tiny")).isTrue();
    assertThat(k.allowsModel("llama-2-7b-chat")).isFalse();
    assertThat(k.allowsProvider("aws")).isTrue();
  }

  @Test
  void wrongIssuerAudienceExpiryKeyOrNoSignatureAre401() throws Exception {
    List<String> bad =
        List.of(
            sign(claims().issuer("https://evil.example/").build(), signing),
            sign(claims().audience("other-service").build(), signing),
            sign(
                claims().expirationTime(new Date(System.currentTimeMillis() - 120_000)).build(),
                signing),
            sign(claims().claim("tenant", null).build(), signing),
            sign(claims().build(), impostor),
            new PlainJWT(claims().build()).serialize());
    for (String token : bad) {
      assertThatThrownBy(() -> verifier.verify(token))
          .isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.status()).isEqualTo(401))
          .message()
          .doesNotContain(token);
    }
  }

  @Test
  void theAuthenticatorTakesJwtsAndApiKeysSideBySide() throws Exception {
    String secret = "mcp-side-by-side-key-0123456789abcdef";
    Authenticator auth =
        Authenticator.requiring(ApiKeyStore.parseList("ops:" + secret, "MCP_API_KEYS"), verifier);
    assertThat(auth.authenticate("Bearer " + sign(claims().build(), signing), null).tenant())
        .isEqualTo("platform");
    assertThat(auth.authenticate(null, secret).tenant()).isEqualTo("ops");
    assertThatThrownBy(() -> auth.authenticate("Bearer " + sign(claims().build(), impostor), null))
        .isInstanceOf(Rejection.class);
  }
}
