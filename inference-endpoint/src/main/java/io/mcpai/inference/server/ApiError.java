package io.mcpai.inference.server;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * A request the endpoint refuses, with the HTTP status, OpenAI-style type and the field at fault.
 */
public final class ApiError extends RuntimeException {
  final HttpResponseStatus status;
  final String type;
  final String param;

  ApiError(HttpResponseStatus status, String type, String message, String param) {
    super(message);
    this.status = status;
    this.type = type;
    this.param = param;
  }

  static ApiError malformed(String message) {
    return new ApiError(HttpResponseStatus.BAD_REQUEST, "invalid_request_error", message, null);
  }

  static ApiError invalid(String param, String message) {
    return new ApiError(
        HttpResponseStatus.UNPROCESSABLE_ENTITY, "invalid_request_error", message, param);
  }

  static ApiError tooLong(String param, String message) {
    return new ApiError(
        HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "context_length_exceeded", message, param);
  }
}
