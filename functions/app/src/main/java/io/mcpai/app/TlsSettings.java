package io.mcpai.app;

import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * HTTPS for the local runner from one setting: {@code MCP_TLS_KEYSTORE} (a PKCS12 or JKS file)
 * turns on Spring Boot's {@code server.ssl} with that keystore, {@code MCP_TLS_KEYSTORE_PASSWORD}
 * and optionally {@code MCP_TLS_KEY_ALIAS} and {@code MCP_TLS_KEYSTORE_TYPE} (default PKCS12). Only
 * TLS 1.2 and 1.3 are offered. Unset, the runner speaks plain HTTP (behind a TLS-terminating load
 * balancer, or on loopback).
 */
public class TlsSettings implements EnvironmentPostProcessor {
  @Override
  public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication app) {
    String keystore = env.getProperty("MCP_TLS_KEYSTORE");
    if (keystore == null || keystore.isBlank()) {
      return;
    }
    Map<String, Object> ssl = new HashMap<>();
    ssl.put("server.ssl.enabled", "true");
    ssl.put("server.ssl.key-store", keystore.trim());
    ssl.put("server.ssl.key-store-password", env.getProperty("MCP_TLS_KEYSTORE_PASSWORD", ""));
    ssl.put("server.ssl.key-store-type", env.getProperty("MCP_TLS_KEYSTORE_TYPE", "PKCS12"));
    String alias = env.getProperty("MCP_TLS_KEY_ALIAS");
    if (alias != null && !alias.isBlank()) {
      ssl.put("server.ssl.key-alias", alias.trim());
    }
    ssl.put("server.ssl.enabled-protocols", "TLSv1.3,TLSv1.2");
    env.getPropertySources().addFirst(new MapPropertySource("mcpTls", ssl));
  }
}
