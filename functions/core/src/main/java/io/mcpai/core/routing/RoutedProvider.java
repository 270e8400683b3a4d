package io.mcpai.core.routing;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.mcpai.core.provider.ProviderClient;
import io.mcpai.core.provider.ProviderConfig;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A provider as the router sees it: its client, its circuit breaker, its requests in flight and
 * what the last health checks said.
 */
public final class RoutedProvider {
  /** What {@code /health} and the state gauge report. */
  public enum State {
    UP(1),
    HALF_OPEN(2),
    OPEN(3),
    DOWN(4);

    public final int code;

    State(int code) {
      this.code = code;
    }
  }

  private final ProviderConfig config;
  private final ProviderClient client;
  private final CircuitBreaker breaker;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger pingFailures = new AtomicInteger();
  private volatile boolean reachable = true;

  public RoutedProvider(ProviderConfig config, ProviderClient client, BreakerSettings breaker) {
    this.config = config;
    this.client = client;
    this.breaker = CircuitBreaker.of(config.name(), breaker.toConfig());
  }

  /**
   * The breaker: opens when at least {@code failureRatePercent} of the last {@code window} calls
   * (and at least {@code minimumCalls}) failed; after {@code openFor} it lets {@code halfOpenCalls}
   * through and closes when they succeed.
   */
  public record BreakerSettings(
      int window, int minimumCalls, float failureRatePercent, Duration openFor, int halfOpenCalls) {
    public static BreakerSettings defaults() {
      return new BreakerSettings(20, 5, 50f, Duration.ofSeconds(10), 2);
    }

    CircuitBreakerConfig toConfig() {
      return CircuitBreakerConfig.custom()
          .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
          .slidingWindowSize(window)
          .minimumNumberOfCalls(minimumCalls)
          .failureRateThreshold(failureRatePercent)
          .waitDurationInOpenState(openFor)
          .permittedNumberOfCallsInHalfOpenState(halfOpenCalls)
          .automaticTransitionFromOpenToHalfOpenEnabled(true)
          .build();
    }
  }

  public String name() {
    return config.name();
  }

  public ProviderConfig config() {
    return config;
  }

  public ProviderClient client() {
    return client;
  }

  public CircuitBreaker breaker() {
    return breaker;
  }

  public int inFlight() {
    return inFlight.get();
  }

  AtomicInteger inFlightCounter() {
    return inFlight;
  }

  /** False after two failed health checks in a row, true again after one success. */
  public boolean reachable() {
    return reachable;
  }

  void pingSucceeded() {
    pingFailures.set(0);
    reachable = true;
  }

  void pingFailed() {
    if (pingFailures.incrementAndGet() >= 2) {
      reachable = false;
    }
  }

  /** May the router pick it now? The half-open permit itself is taken per call. */
  boolean selectable() {
    if (!reachable) {
      return false;
    }
    CircuitBreaker.State s = breaker.getState();
    return s == CircuitBreaker.State.CLOSED || s == CircuitBreaker.State.HALF_OPEN;
  }

  public State state() {
    if (!reachable) {
      return State.DOWN;
    }
    return switch (breaker.getState()) {
      case OPEN, FORCED_OPEN -> State.OPEN;
      case HALF_OPEN -> State.HALF_OPEN;
      default -> State.UP;
    };
  }
}
