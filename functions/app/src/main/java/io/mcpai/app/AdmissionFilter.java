package io.mcpai.app;

import io.mcpai.core.context.FormattedContext;
import io.mcpai.core.security.ApiKey;
import io.mcpai.core.security.Authenticator;
import io.mcpai.core.security.Caller;
import io.mcpai.core.security.LoadShedder;
import io.mcpai.core.security.RateLimiter;
import io.mcpai.core.security.Redactor;
import io.mcpai.core.security.Rejection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Admission for the API ({@code /v1/*} and {@code /metrics}): a slot in the in-flight bound (503
 * when full), then the caller's key (401), then, for model calls, the key's requests per minute
 * (429 with OpenAI's {@code x-ratelimit-*} headers). The authenticated {@link Caller} is put on the
 * exchange under {@link Caller#ATTRIBUTE} for everything downstream (sessions, logs); {@code
 * /health} stays open for probes and carries {@link Caller#ANONYMOUS}. Token budgets and the key's
 * model/provider allow-lists are checked by the {@link RequestGuard} this filter leaves on the
 * exchange's {@link Timing}, once the request's cost is known.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
class AdmissionFilter implements WebFilter {
  private static final Logger log = LoggerFactory.getLogger(AdmissionFilter.class);

  /** The authenticated key, for code that needs more than the {@link Caller}. */
  static final String KEY_ATTRIBUTE = ApiKey.class.getName();

  private final LoadShedder shedder;
  private final Authenticator authenticator;
  private final RateLimiter limiter;
  private final Redactor redactor;
  private final GatewayMetrics metrics;

  AdmissionFilter(
      LoadShedder shedder,
      GatewayAccess.Access access,
      RateLimiter limiter,
      Redactor redactor,
      GatewayMetrics metrics) {
    this.shedder = shedder;
    this.authenticator = access.authenticator();
    this.limiter = limiter;
    this.redactor = redactor;
    this.metrics = metrics;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    String path = exchange.getRequest().getPath().value();
    // /mcp is the same API as tools: the same keys, allow-lists and token budgets.
    if (!path.startsWith("/v1/") && !path.equals("/metrics") && !path.equals("/mcp")) {
      exchange.getAttributes().put(Caller.ATTRIBUTE, Caller.ANONYMOUS);
      return chain.filter(exchange);
    }
    LoadShedder.Permit permit;
    try {
      permit = shedder.acquire();
    } catch (Rejection r) {
      return refuse(exchange, r);
    }
    try {
      HttpHeaders in = exchange.getRequest().getHeaders();
      ApiKey key =
          authenticator.authenticate(
              in.getFirst(HttpHeaders.AUTHORIZATION), in.getFirst("x-api-key"));
      exchange.getAttributes().put(Caller.ATTRIBUTE, key.caller());
      exchange.getAttributes().put(KEY_ATTRIBUTE, key);
      if (exchange.getRequest().getMethod() == HttpMethod.POST
          && (path.equals("/v1/generate") || path.equals("/v1/chat/completions"))) {
        HttpHeaders out = exchange.getResponse().getHeaders();
        try {
          headers(out, "requests", limiter.request(key));
        } catch (Rejection r) {
          exhausted(out, "requests", limiter.limitsOf(key).requestsPerMinute(), r);
          metrics.rateLimited(key.id(), "requests");
          throw r;
        }
        guard(exchange, key, out);
      } else if (exchange.getRequest().getMethod() == HttpMethod.POST && path.equals("/mcp")) {
        // One JSON-RPC message per POST: at most one tool call, checked like /v1 on its prompt.
        guard(exchange, key, exchange.getResponse().getHeaders());
      }
    } catch (Rejection r) {
      permit.close();
      return refuse(exchange, r);
    } catch (RuntimeException e) {
      permit.close();
      throw e;
    }
    return chain.filter(exchange).doFinally(s -> permit.close());
  }

  private void guard(ServerWebExchange exchange, ApiKey key, HttpHeaders out) {
    KeyGuard g = new KeyGuard(key, out, RequestIds.of(exchange));
    exchange.getAttributes().put(RequestGuard.ATTRIBUTE, g);
    Object t = exchange.getAttribute(Timing.ATTRIBUTE);
    if (t instanceof Timing timing) {
      timing.guard = g;
    }
  }

  private Mono<Void> refuse(ServerWebExchange exchange, Rejection r) {
    metrics.error(r.type());
    // Refused before its body was read: close the connection rather than leave an unread body on
    // a kept-alive one (and make a flooding client reconnect).
    exchange.getResponse().getHeaders().set(HttpHeaders.CONNECTION, "close");
    return Mono.error(r);
  }

  private static void headers(HttpHeaders out, String kind, RateLimiter.Quota q) {
    if (q != null) {
      out.set("x-ratelimit-limit-" + kind, Long.toString(q.limit()));
      out.set("x-ratelimit-remaining-" + kind, Long.toString(Math.max(0, q.remaining())));
      out.set("x-ratelimit-reset-" + kind, q.resetText());
    }
  }

  private static void exhausted(HttpHeaders out, String kind, long limit, Rejection r) {
    if (limit > 0 && r.status() == 429) {
      out.set("x-ratelimit-limit-" + kind, Long.toString(limit));
      out.set("x-ratelimit-remaining-" + kind, "0");
      out.set("x-ratelimit-reset-" + kind, r.retryAfterSeconds() + "s");
    }
  }

  /** The key's checks once the request is formatted: allow-lists, then the token budget. */
  private final class KeyGuard implements RequestGuard {
    private final ApiKey key;
    private final HttpHeaders out;
    private final String requestId;
    private volatile RateLimiter.Reservation reservation;

    KeyGuard(ApiKey key, HttpHeaders out, String requestId) {
      this.key = key;
      this.out = out;
      this.requestId = requestId;
    }

    @Override
    public void admit(FormattedContext fc) {
      try {
        Authenticator.authorize(key, fc.metadata().model(), fc.metadata().provider());
        long tokens = (long) fc.promptTokens() + fc.metadata().maxTokens();
        try {
          reservation = limiter.reserve(key, tokens);
        } catch (Rejection r) {
          exhausted(out, "tokens", limiter.limitsOf(key).tokensPerMinute(), r);
          metrics.rateLimited(key.id(), "tokens");
          throw r;
        }
        headers(out, "tokens", reservation.quota());
      } catch (Rejection r) {
        metrics.error(r.type());
        throw r;
      }
      if (redactor.logsPrompts()) {
        log.info(
            "prompt for {} (key {}, {} tokens): {}",
            requestId,
            key.id(),
            fc.promptTokens(),
            redactor.prompt(fc.prompt()));
      }
    }

    @Override
    public boolean allowsProvider(String provider) {
      return key.allowsProvider(provider);
    }

    @Override
    public void settle(int usedTokens) {
      RateLimiter.Reservation r = reservation;
      if (r != null) {
        r.settle(usedTokens);
      }
    }
  }
}
