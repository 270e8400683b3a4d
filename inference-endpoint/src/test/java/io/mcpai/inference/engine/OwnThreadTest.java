package io.mcpai.inference.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class OwnThreadTest {
  @Test
  void runsOnAThreadThatHasEndedByTheTimeItReturns() {
    AtomicReference<Thread> ran = new AtomicReference<>();
    String name =
        OwnThread.call(
            "probe",
            () -> {
              ran.set(Thread.currentThread());
              return Thread.currentThread().getName();
            });
    assertThat(name).isEqualTo("probe");
    assertThat(ran.get()).isNotSameAs(Thread.currentThread());
    assertThat(ran.get().isAlive()).as("its OpenMP pool must be gone with it").isFalse();
  }

  @Test
  void passesOnTheWorksException() {
    assertThatThrownBy(
            () ->
                OwnThread.call(
                    "probe",
                    () -> {
                      throw new IllegalArgumentException("no such model");
                    }))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no such model");
    assertThatThrownBy(
            () ->
                OwnThread.call(
                    "probe",
                    () -> {
                      throw new java.io.IOException("disk");
                    }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("probe failed")
        .hasRootCauseMessage("disk");
  }

  @Test
  void anInterruptedCallerStillGetsTheResultAndKeepsItsInterrupt() {
    Thread.currentThread().interrupt();
    try {
      assertThat(
              OwnThread.call(
                  "probe",
                  () -> {
                    Thread.sleep(50);
                    return 7;
                  }))
          .isEqualTo(7);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }
}
