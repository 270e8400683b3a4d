package io.mcpai.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcpai.core.protocol.ProtocolException;
import io.mcpai.core.provider.GenerationCall;
import io.mcpai.core.provider.LmiHttpClient;
import io.mcpai.core.provider.ProviderConfig;
import io.mcpai.core.provider.ProviderException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The router against real local LMI servers: weights, breakers, failover rules, windows. */
class ProviderRouterTest {
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private LmiTestServer server(String name) throws Exception {
    LmiTestServer s = new LmiTestServer(name);
    open.add(s);
    return s;
  }

  private static GenerationCall call(int promptTokens) {
    return new GenerationCall(
        "t", "m", "<s>[INST] hi [/INST]", List.of(), promptTokens, 16, 0, 1, List.of(), null);
  }

  private ProviderRouter router(
      List<ProviderConfig> configs,
      java.util.function.Supplier<RoutingWeights> weights,
      RoutedProvider.BreakerSettings breaker) {
    List<RoutedProvider> ps = new ArrayList<>();
    for (ProviderConfig c : configs) {
      ps.add(new RoutedProvider(c, LmiHttpClient.lmi(c), breaker));
    }
    ProviderRouter r =
        new ProviderRouter(
            ps,
            weights,
            new ProviderRouter.Settings(
                ProviderRouter.Mode.WEIGHTED,
                3,
                Duration.ofMillis(1),
                Duration.ofMillis(5),
                Duration.ZERO),
            new RetryBudget(1.0, 1000),
            RoutingListener.NONE);
    open.add(r);
    return r;
  }

  private static ProviderConfig lmi(LmiTestServer s, int window) {
    return ProviderConfig.lmiHttp(s.name, s.uri(), window);
  }

  @Test
  void weightsFromTheFileAreHonouredAndHotReloaded(@TempDir Path dir) throws Exception {
    LmiTestServer a = server("a");
    LmiTestServer b = server("b");
    LmiTestServer c = server("c");
    Path file = dir.resolve("weights.json");
    Files.writeString(
        file, "{\"v\":1,\"weights\":{\"a\":0.6,\"b\":0.3,\"c\":0.1},\"source\":\"test\"}");
    RoutingWeightsFile weights = new RoutingWeightsFile(file, Duration.ofMillis(50));
    open.add(weights);
    ProviderRouter router =
        router(
            List.of(lmi(a, 512), lmi(b, 512), lmi(c, 512)),
            weights,
            RoutedProvider.BreakerSettings.defaults());

    Map<String, Integer> first = new HashMap<>();
    int n = 1500;
    for (int i = 0; i < n; i++) {
      first.merge(router.plan(null, 10).get(0).name(), 1, Integer::sum);
    }
    // Binomial sd at n=1500 is at most ~1.3 points; 5 points is > 3.8 sd.
    assertThat(first.get("a") / (double) n).isBetween(0.55, 0.65);
    assertThat(first.get("b") / (double) n).isBetween(0.25, 0.35);
    assertThat(first.get("c") / (double) n).isBetween(0.05, 0.15);

    // Calls really go where the plan says.
    for (int i = 0; i < 200; i++) {
      router.generate(call(10), null).join();
    }
    assertThat(a.invocations.get()).isGreaterThan(b.invocations.get());
    assertThat(b.invocations.get()).isGreaterThan(c.invocations.get());

    Files.writeString(
        file, "{\"v\":1,\"weights\":{\"a\":0,\"b\":1,\"c\":0},\"learned_at\":\"now\"}");
    weights.reload();
    for (int i = 0; i < 100; i++) {
      assertThat(router.plan(null, 10).get(0).name()).isEqualTo("b");
    }
    // A broken file keeps the last good weights.
    Files.writeString(file, "{\"v\":2,\"weights\":{\"a\":1}}");
    weights.reload();
    assertThat(router.plan(null, 10).get(0).name()).isEqualTo("b");
  }

  @Test
  void failsOverOnServerErrorsButNotOnTheRequestsOwn4xx() throws Exception {
    LmiTestServer bad = server("bad");
    LmiTestServer good = server("good");
    Path none = null;
    ProviderRouter router =
        router(
            List.of(lmi(bad, 512).withWeight(1000), lmi(good, 512).withWeight(0.001)),
            RoutingWeights::none,
            RoutedProvider.BreakerSettings.defaults());

    bad.status = 503;
    Routed r = router.generate(call(10), null).join();
    assertThat(r.completion().text()).isEqualTo("from good");
    assertThat(r.attempts()).extracting(Attempt::outcome).containsExactly("http_503", "ok");

    bad.status = 422;
    int goodBefore = good.invocations.get();
    assertThatThrownBy(() -> router.generate(call(10), null).join())
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOfSatisfying(
            ProviderException.class, e -> assertThat(e.status()).isEqualTo(422));
    assertThat(good.invocations.get()).as("a 422 is not retried elsewhere").isEqualTo(goodBefore);
  }

  @Test
  void anAllowListKeepsRequestsAndTheirFailoverOffOtherProviders() throws Exception {
    LmiTestServer bad = server("bad");
    LmiTestServer other = server("other");
    ProviderRouter router =
        router(
            List.of(lmi(bad, 512).withWeight(1000), lmi(other, 512).withWeight(0.001)),
            RoutingWeights::none,
            RoutedProvider.BreakerSettings.defaults());
    bad.status = 503;
    // Without a list the 503 fails over to "other"; with a list of "bad" only it may not.
    assertThat(router.generate(call(10), null).join().provider().name()).isEqualTo("other");
    int otherBefore = other.invocations.get();
    assertThatThrownBy(() -> router.generate(call(10), null, "bad"::equals).join())
        .isInstanceOf(CompletionException.class);
    assertThat(other.invocations.get()).isEqualTo(otherBefore);
    assertThatThrownBy(() -> router.plan(null, 10, name -> false))
        .isInstanceOfSatisfying(
            io.mcpai.core.security.Rejection.class, e -> assertThat(e.status()).isEqualTo(403));
  }

  @Test
  void breakerOpensOnFailuresAndClosesAfterSuccessfulProbes() throws Exception {
    LmiTestServer flaky = server("flaky");
    LmiTestServer steady = server("steady");
    ProviderRouter router =
        router(
            List.of(lmi(flaky, 512), lmi(steady, 512)),
            () -> new RoutingWeights(1, Map.of("flaky", 1000.0, "steady", 0.001), null, "test"),
            new RoutedProvider.BreakerSettings(10, 4, 50f, Duration.ofMillis(1500), 2));
    RoutedProvider p = router.provider("flaky");

    flaky.status = 500;
    for (int i = 0; i < 6; i++) {
      assertThat(router.generate(call(10), null).join().completion().text())
          .isEqualTo("from steady");
    }
    assertThat(p.state()).isEqualTo(RoutedProvider.State.OPEN);
    int during = flaky.invocations.get();
    for (int i = 0; i < 20; i++) {
      router.generate(call(10), null).join();
    }
    assertThat(flaky.invocations.get()).as("an open breaker sends nothing").isEqualTo(during);

    flaky.status = 200;
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (p.state() != RoutedProvider.State.UP && System.nanoTime() < deadline) {
      router.generate(call(10), null).join();
      Thread.sleep(20);
    }
    assertThat(p.state()).isEqualTo(RoutedProvider.State.UP);
    assertThat(router.generate(call(10), null).join().completion().text()).isEqualTo("from flaky");
  }

  @Test
  void skipsProvidersWhoseWindowCannotHoldThePromptAndSaysSoWhenNoneCan() throws Exception {
    LmiTestServer small = server("small");
    LmiTestServer big = server("big");
    ProviderRouter router =
        router(
            List.of(lmi(small, 64).withWeight(1000), lmi(big, 4096)),
            RoutingWeights::none,
            RoutedProvider.BreakerSettings.defaults());
    assertThat(router.plan(null, 100)).extracting(RoutedProvider::name).containsExactly("big");
    assertThat(router.generate(call(100), null).join().completion().text()).isEqualTo("from big");
    assertThatThrownBy(() -> router.plan(null, 5000))
        .isInstanceOfSatisfying(
            ProtocolException.class,
            e -> {
              assertThat(e.status()).isEqualTo(413);
              assertThat(e.getMessage()).contains("5000").contains("4096");
            });
  }

  @Test
  void allDownFailsFastWithNoProvider() throws Exception {
    // Ports that nothing listens on: connection refused at once.
    LmiTestServer gone = server("gone");
    URI dead = gone.uri();
    gone.close();
    ProviderRouter router =
        router(
            List.of(ProviderConfig.lmiHttp("x", dead, 512), ProviderConfig.lmiHttp("y", dead, 512)),
            RoutingWeights::none,
            RoutedProvider.BreakerSettings.defaults());
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> router.generate(call(10), null).join())
        .cause()
        .isInstanceOfSatisfying(
            NoProviderException.class,
            e -> {
              assertThat(e.getMessage()).contains("x:connect").contains("y:connect");
              assertThat(e.retryAfterSeconds()).isPositive();
            });
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
  }
}
