package io.mcpai.inference.generate;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import io.mcpai.core.process.ResidentMemory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The endpoint's Prometheus metrics: queue depth, batch size, tokens/s, TTFT, inter-token latency;
 * JVM memory, GC and threads, the process's resident memory (libtorch's tensors live outside the
 * heap), and GPU memory when the model runs on a GPU.
 */
public final class InferenceMetrics {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  final AtomicInteger queueDepth = new AtomicInteger();
  final AtomicInteger batchSize = new AtomicInteger();
  private final AtomicInteger maxQueue = new AtomicInteger();
  private final AtomicLong tokensPerSecondMilli = new AtomicLong();
  private final Counter generatedTokens;
  private final Counter promptTokens;
  private final Counter rejected;
  private final Timer ttft;
  private final Timer interToken;
  private final DistributionSummary stepBatch;
  private double ewmaTokensPerSecond;

  public InferenceMetrics() {
    Gauge.builder("mcp_inference_queue_depth", queueDepth, AtomicInteger::get)
        .description("Requests waiting for a batch slot")
        .register(registry);
    Gauge.builder("mcp_inference_batch_size", batchSize, AtomicInteger::get)
        .description("Sequences in the running batch")
        .register(registry);
    Gauge.builder("mcp_inference_tokens_per_second", tokensPerSecondMilli, v -> v.get() / 1000.0)
        .description("Generated tokens per second, smoothed over recent decode steps")
        .register(registry);
    generatedTokens =
        Counter.builder("mcp_inference_generated_tokens")
            .description("Tokens generated")
            .register(registry);
    promptTokens =
        Counter.builder("mcp_inference_prompt_tokens")
            .description("Prompt tokens prefilled")
            .register(registry);
    rejected =
        Counter.builder("mcp_inference_rejected_requests")
            .description("Requests refused with 503 because the queue was full")
            .register(registry);
    ttft =
        Timer.builder("mcp_inference_time_to_first_token")
            .description("From request admission to its first token")
            .publishPercentileHistogram()
            .register(registry);
    interToken =
        Timer.builder("mcp_inference_inter_token_latency")
            .description("Between consecutive tokens of one request")
            .publishPercentileHistogram()
            .register(registry);
    stepBatch =
        DistributionSummary.builder("mcp_inference_step_batch_size")
            .description("Sequences per decode step")
            .register(registry);
    Gauge.builder("mcp_inference_max_queue", maxQueue, AtomicInteger::get)
        .description("Queue capacity (MCP_MAX_QUEUE): depth over this is saturation")
        .register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    Gauge.builder(ResidentMemory.METRIC, ResidentMemory::bytes)
        .description("Resident set size: heap, libtorch tensors, code")
        .register(registry);
  }

  /** The queue's capacity, so dashboards and alerts can show depth as a fraction of it. */
  public void maxQueue(int capacity) {
    maxQueue.set(capacity);
  }

  /**
   * GPU memory of the device the model runs on (the whole device, as {@code nvidia-smi} shows it),
   * read at each scrape; nothing is registered on CPU.
   */
  public void watchGpu(Device device) {
    if (!device.isGpu()) {
      return;
    }
    String id = String.valueOf(device.getDeviceId());
    Gauge.builder("mcp_inference_gpu_memory_used_bytes", () -> gpu(device).getUsed())
        .description("GPU memory in use on the model's device")
        .tag("device", id)
        .register(registry);
    Gauge.builder("mcp_inference_gpu_memory_total_bytes", () -> gpu(device).getMax())
        .description("GPU memory on the model's device")
        .tag("device", id)
        .register(registry);
  }

  private static MemoryUsage gpu(Device device) {
    return CudaUtils.getGpuMemory(device);
  }

  void firstToken(long nanos) {
    ttft.record(Duration.ofNanos(nanos));
  }

  void interToken(long nanos) {
    interToken.record(Duration.ofNanos(nanos));
  }

  /**
   * The token a prefill produces: counted, but not a decode step, so it stays out of the decode
   * rate (as step(1, 1) it read as a billion tokens per second) and the step batch sizes.
   */
  void prefilledToken() {
    generatedTokens.increment();
  }

  void prompt(int tokens) {
    promptTokens.increment(tokens);
  }

  void rejected() {
    rejected.increment();
  }

  synchronized void step(int tokens, long nanos) {
    generatedTokens.increment(tokens);
    stepBatch.record(tokens);
    double rate = tokens / Math.max(1e-9, nanos / 1e9);
    ewmaTokensPerSecond = ewmaTokensPerSecond == 0 ? rate : 0.9 * ewmaTokensPerSecond + 0.1 * rate;
    tokensPerSecondMilli.set((long) (ewmaTokensPerSecond * 1000));
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    return registry.scrape();
  }
}
