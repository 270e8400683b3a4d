package io.mcpai.core.session;

/** A provider's answer as the response cache keeps it. */
public record CachedCompletion(
    String text, int completionTokens, String finishReason, String provider) {}
