package io.mcpai.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcpai.core.provider.HttpTransport;
import java.io.FileInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The runner as a user starts it: HTTPS from a keystore made by {@code keytool} for this test
 * ({@code MCP_TLS_KEYSTORE}), and {@code MCP_AUTH=required} without configured keys, so it must
 * generate a key and print it once. Also: the HTTP client every provider call uses refuses a
 * certificate it cannot verify (no trust-all anywhere).
 */
@ExtendWith(OutputCaptureExtension.class)
class TlsAndGeneratedKeyTest {
  static final String PASSWORD = "test-keystore-pass";

  static Path keystore(Path dir) throws IOException, InterruptedException {
    Path ks = dir.resolve("gateway.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process p =
        new ProcessBuilder(
                keytool,
                "-genkeypair",
                "-alias",
                "mcp",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=ip:127.0.0.1,dns:localhost",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                ks.toString(),
                "-storepass",
                PASSWORD,
                "-keypass",
                PASSWORD)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
    return ks;
  }

  static SSLContext trusting(Path ks) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (FileInputStream in = new FileInputStream(ks.toFile())) {
      store.load(in, PASSWORD.toCharArray());
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  @Test
  void servesHttpsFromTheKeystoreRequiresThePrintedKeyAndProviderCallsVerifyCertificates(
      @TempDir Path dir, CapturedOutput output) throws Exception {
    Path ks = keystore(dir);
    try (ConfigurableApplicationContext app =
        new SpringApplicationBuilder(McpApplication.class)
            .run(
                "--server.port=0",
                "--MCP_TLS_KEYSTORE=" + ks,
                "--MCP_TLS_KEYSTORE_PASSWORD=" + PASSWORD,
                "--MCP_AUTH=required",
                "--MCP_MODEL_SERVICE_AWS=http://127.0.0.1:9",
                "--MCP_HEALTH_INTERVAL_MS=0",
                "--MCP_REQUEST_LOG=off")) {
      int port = ((WebServerApplicationContext) app).getWebServer().getPort();
      URI health = URI.create("https://127.0.0.1:" + port + "/health");
      URI models = URI.create("https://127.0.0.1:" + port + "/v1/models");

      HttpClient trustingClient = HttpClient.newBuilder().sslContext(trusting(ks)).build();
      HttpResponse<String> h =
          trustingClient.send(
              HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(h.statusCode()).isEqualTo(200);
      assertThat(h.headers().firstValue("Strict-Transport-Security")).isPresent();

      Matcher m = Pattern.compile("mcp-[A-Za-z0-9_-]{43}").matcher(output.getOut());
      assertThat(m.find()).as("the generated key is printed once").isTrue();
      String key = m.group();
      assertThat(m.find()).as("and only once").isFalse();
      assertThat(
              trustingClient
                  .send(
                      HttpRequest.newBuilder(models).build(), HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(401);
      assertThat(
              trustingClient
                  .send(
                      HttpRequest.newBuilder(models)
                          .header("authorization", "Bearer " + key)
                          .build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(200);
      assertThat(output.getAll()).contains("auth=required, 1 generated key").contains("tls=on");

      // Plain HTTP to the TLS port is not served.
      assertThatThrownBy(
              () ->
                  HttpClient.newHttpClient()
                      .send(
                          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                              .timeout(Duration.ofSeconds(5))
                              .build(),
                          HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(IOException.class);

      // The providers' shared client uses the JDK's trust store: a self-signed server is refused.
      assertThatThrownBy(
              () ->
                  HttpTransport.client(Duration.ofSeconds(2))
                      .send(
                          HttpRequest.newBuilder(health).build(),
                          HttpResponse.BodyHandlers.ofString()))
          .isInstanceOf(SSLHandshakeException.class)
          .hasMessageContaining("PKIX path building failed");
    }
  }

  private static SecuritySettings settings(String auth, String bind) {
    return settings(auth, bind, null);
  }

  private static SecuritySettings settings(String auth, String bind, SecuritySettings.Jwt jwt) {
    return new SecuritySettings(
        auth,
        null,
        null,
        io.mcpai.core.security.KeyLimits.UNLIMITED,
        null,
        0,
        "",
        false,
        bind,
        jwt);
  }

  @Test
  void authOffIsRefusedWhenTheGatewayIsReachableFromTheNetwork() {
    SecuritySettings s = settings("off", "10.1.2.3");
    assertThat(s.loopbackOnly()).isFalse();
    assertThatThrownBy(() -> new GatewayAccess().access(s))
        .hasMessageContaining("MCP_AUTH=off is allowed only when bound to loopback");
    assertThat(new GatewayAccess().access(settings("auto", "127.0.0.1")).authenticator().required())
        .isFalse();
    assertThat(new GatewayAccess().access(settings("off", "::1")).authenticator().required())
        .isFalse();
    // JWTs alone (no API keys) are enough to require authentication.
    GatewayAccess.Access jwt =
        new GatewayAccess()
            .access(
                settings(
                    "auto",
                    "0.0.0.0",
                    new SecuritySettings.Jwt(
                        "https://idp.example.com/",
                        "mcp",
                        "https://idp.example.com/jwks",
                        "tenant")));
    assertThat(jwt.authenticator().required()).isTrue();
    assertThat(jwt.authenticator().jwt().issuer()).isEqualTo("https://idp.example.com/");
    assertThat(jwt.why()).contains("JWTs from https://idp.example.com/");
  }
}
