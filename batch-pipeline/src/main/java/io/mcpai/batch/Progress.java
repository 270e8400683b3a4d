package io.mcpai.batch;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;

/**
 * The job's counts: Beam metrics (which every runner reports at the end, and Dataflow and Flink
 * show live), plus JVM-local counters the command's progress line reads while the workers run in
 * its own JVM (DirectRunner, Flink {@code [local]}).
 */
final class Progress {
  static final String NAMESPACE = "mcp-batch";
  static final String LINES = "lines";
  static final String SKIPPED = "skipped_done";
  static final String DUPLICATES = "duplicates";
  static final String INVALID = "invalid";
  static final String QUEUED = "queued";
  static final String DONE = "done";
  static final String FAILED = "failed";
  static final String RETRIED = "retried";
  static final String POISON = "poison_isolated";
  // Tokens of answered prompts (the model's prompt as formatted, and what it generated).
  static final String PROMPT_TOKENS = "prompt_tokens";
  static final String COMPLETION_TOKENS = "completion_tokens";
  // When the first and the last answer arrived (JVM-local): the rate of the calling phase alone.
  static final String FIRST_DONE_NANOS = "first_done_nanos";
  static final String LAST_DONE_NANOS = "last_done_nanos";

  private static final Map<String, Map<String, AtomicLong>> LOCAL = new ConcurrentHashMap<>();

  private final String jobId;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  // Counts from callback threads wait here: Beam metrics may only be updated on a runner thread.
  private final Map<String, AtomicLong> unreported = new ConcurrentHashMap<>();

  Progress(String jobId) {
    this.jobId = jobId;
  }

  /** Counts one; safe on any thread. Beam sees it at the next {@link #report}. */
  void inc(String name) {
    add(name, 1);
  }

  void add(String name, long n) {
    if (name.equals(DONE)) {
      long now = System.nanoTime();
      local(jobId, FIRST_DONE_NANOS).compareAndSet(0, now);
      local(jobId, LAST_DONE_NANOS).accumulateAndGet(now, Math::max);
    }
    local(jobId, name).addAndGet(n);
    unreported.computeIfAbsent(name, k -> new AtomicLong()).addAndGet(n);
  }

  /** Moves the counts into Beam's metrics; call on the runner's thread (process, finish). */
  void report() {
    unreported.forEach(
        (name, n) -> {
          long v = n.getAndSet(0);
          if (v != 0) {
            counters.computeIfAbsent(name, k -> Metrics.counter(NAMESPACE, k)).inc(v);
          }
        });
  }

  static AtomicLong local(String jobId, String name) {
    return LOCAL
        .computeIfAbsent(jobId, k -> new ConcurrentHashMap<>())
        .computeIfAbsent(name, k -> new AtomicLong());
  }

  static long get(String jobId, String name) {
    return local(jobId, name).get();
  }

  static void reset(String jobId) {
    LOCAL.remove(jobId);
  }
}
