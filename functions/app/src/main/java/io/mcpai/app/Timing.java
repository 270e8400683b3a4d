package io.mcpai.app;

/**
 * One exchange's clock: when it arrived, and how long it waited on providers, so the gateway's own
 * overhead (total minus upstream) can be measured when the response is done.
 */
final class Timing {
  static final String ATTRIBUTE = Timing.class.getName();

  final String requestId;
  final long startNanos;
  volatile long upstreamNanos;
  volatile boolean routed;

  /** The caller's W3C trace context header, when it sent one. */
  volatile String traceparent;

  /** The request's spans when tracing is on, else null. */
  volatile RequestTrace trace;

  /** Who sent it, as authentication established it; null until the handler runs. */
  volatile io.mcpai.core.security.Caller caller;

  /** The caller's key checks (allow-lists, token budget); set by {@link AdmissionFilter}. */
  volatile RequestGuard guard = RequestGuard.NONE;

  Timing(String requestId, long startNanos) {
    this.requestId = requestId;
    this.startNanos = startNanos;
  }

  static Timing now(String requestId) {
    return new Timing(requestId, System.nanoTime());
  }
}
