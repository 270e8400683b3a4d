package io.mcpai.core.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.ConfigurableJWTProcessor;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.MalformedURLException;
import java.net.URI;
import java.text.ParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Bearer JWTs from an OIDC provider, for platform teams that already issue them: the signature is
 * checked against the issuer's JWKS (RS256/ES256, keys fetched and cached, re-fetched on an unknown
 * key id), then issuer, audience, expiry and not-before. The tenant comes from a claim; optional
 * {@code models}/{@code providers} claims narrow what the token may use, like a key's allow-lists.
 */
public final class JwtVerifier {
  private final ConfigurableJWTProcessor<SecurityContext> processor;
  private final String tenantClaim;
  private final String issuer;

  /**
   * @param issuer the exact {@code iss} required
   * @param audience the {@code aud} required (one of the token's audiences)
   * @param jwks the issuer's JWKS URL
   * @param tenantClaim the claim naming the tenant (e.g. {@code tenant}, or {@code sub})
   */
  public JwtVerifier(String issuer, String audience, URI jwks, String tenantClaim) {
    JWKSource<SecurityContext> keys;
    try {
      keys = JWKSourceBuilder.create(jwks.toURL()).retrying(true).build();
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException("JWKS URL is not a URL: " + jwks, e);
    }
    processor = new DefaultJWTProcessor<>();
    processor.setJWSKeySelector(
        new JWSVerificationKeySelector<>(Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256), keys));
    processor.setJWTClaimsSetVerifier(
        new DefaultJWTClaimsVerifier<>(
            audience,
            new JWTClaimsSet.Builder().issuer(issuer).build(),
            new HashSet<>(List.of("sub", "exp", tenantClaim))));
    this.tenantClaim = tenantClaim;
    this.issuer = issuer;
  }

  /** Whether a bearer credential is a JWT (three base64url parts) rather than an API key. */
  public static boolean looksLikeJwt(String credential) {
    return credential.startsWith("eyJ") && credential.chars().filter(c -> c == '.').count() == 2;
  }

  public String issuer() {
    return issuer;
  }

  /**
   * The caller this token stands for, as a key without a secret (id {@code jwt:<sub>}).
   *
   * @throws Rejection 401 for any invalid token; the message never echoes the token
   */
  public ApiKey verify(String token) {
    JWTClaimsSet claims;
    try {
      claims = processor.process(token, null);
    } catch (ParseException e) {
      throw Rejection.unauthenticated("the bearer token is not a well-formed JWT");
    } catch (BadJOSEException e) {
      // Signature, issuer, audience, expiry: the reason helps an operator and leaks nothing.
      throw Rejection.unauthenticated("the bearer token was refused: " + e.getMessage());
    } catch (JOSEException e) {
      throw Rejection.unauthenticated("the bearer token could not be verified (JWKS unavailable)");
    }
    try {
      String tenant = claims.getStringClaim(tenantClaim);
      if (tenant == null || tenant.isBlank()) {
        throw Rejection.unauthenticated("the token's '" + tenantClaim + "' claim is empty");
      }
      return new ApiKey(
          "jwt:" + claims.getSubject(),
          tenant,
          new byte[32],
          names(claims, "models"),
          names(claims, "providers"),
          KeyLimits.UNLIMITED);
    } catch (ParseException e) {
      throw Rejection.unauthenticated(
          "the token's claims have the wrong types (" + tenantClaim + ", models, providers)");
    }
  }

  private static Set<String> names(JWTClaimsSet claims, String name) throws ParseException {
    List<String> v = claims.getStringListClaim(name);
    return v == null ? Set.of() : Set.copyOf(v);
  }
}
