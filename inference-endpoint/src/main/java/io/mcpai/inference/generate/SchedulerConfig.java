package io.mcpai.inference.generate;

/**
 * Continuous-batching limits.
 *
 * @param maxBatchSize sequences decoded together in one step
 * @param maxBatchTokens sum over running sequences of prompt + max_new_tokens (bounds KV memory)
 * @param maxQueue requests waiting for a slot; beyond it new requests get 503
 */
public record SchedulerConfig(int maxBatchSize, int maxBatchTokens, int maxQueue) {
  public SchedulerConfig {
    if (maxBatchSize < 1 || maxBatchTokens < 1 || maxQueue < 0) {
      throw new IllegalArgumentException("scheduler limits must be positive");
    }
  }
}
