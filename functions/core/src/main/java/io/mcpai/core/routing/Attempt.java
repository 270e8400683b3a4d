package io.mcpai.core.routing;

/**
 * One try at one provider, for the request log.
 *
 * @param outcome {@code ok}, or why it failed: {@code connect}, {@code timeout}, {@code http_503},
 *     {@code breaker_open}, ...
 */
public record Attempt(String provider, String outcome, long micros) {}
