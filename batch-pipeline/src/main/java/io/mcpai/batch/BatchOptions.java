package io.mcpai.batch;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * The bulk pipeline's options. {@code run --input I --output O --job-id J} set the first three; the
 * rest come as {@code --name=value}, next to the runner's own options ({@code --runner}, {@code
 * --flinkMaster}, ...), which is how a queue message's {@code options} reach the job.
 */
public interface BatchOptions extends PipelineOptions {
  @Description("Input JSON lines: a file or glob on any Beam filesystem")
  String getInput();

  void setInput(String value);

  @Description("Output directory: results.jsonl, errors.jsonl, summary.json and parts/")
  String getOutput();

  void setOutput(String value);

  @Description("Job id: part of every idempotency key sent to the endpoints")
  String getJobId();

  void setJobId(String value);

  @Description("Prompts per call batch (GroupIntoBatches size)")
  @Default.Integer(64)
  int getMaxBatchSize();

  void setMaxBatchSize(int value);

  @Description("Bytes per call batch (GroupIntoBatches byte size)")
  @Default.Long(1 << 20)
  long getMaxBatchBytes();

  void setMaxBatchBytes(long value);

  @Description("Longest a partial batch waits for more prompts, in ms (0: until the input ends)")
  @Default.Long(0)
  long getMaxBufferingMs();

  void setMaxBufferingMs(long value);

  @Description(
      "Buckets of the group by custom_id (resume, dedupe, stable input): ids are grouped by a hash"
          + " bucket, then by id in memory, so a runner handles a few hundred keys, not one per id")
  @Default.Integer(128)
  int getIdBuckets();

  void setIdBuckets(int value);

  @Description("Shards per provider key, so one provider's batches spread over workers")
  @Default.Integer(4)
  int getShardsPerProvider();

  void setShardsPerProvider(int value);

  @Description(
      "How prompts are batched: groupIntoBatches, bundle (inside the DoFn, for runners without"
          + " GroupIntoBatches' timers such as Spark), or auto (bundle on SparkRunner)")
  @Default.String("auto")
  String getBatching();

  void setBatching(String value);

  @Description("Requests in flight per provider and worker JVM at first (adaptive afterwards)")
  @Default.Integer(32)
  int getInitialConcurrency();

  void setInitialConcurrency(int value);

  @Description("Most requests in flight per provider and worker JVM")
  @Default.Integer(128)
  int getMaxConcurrency();

  void setMaxConcurrency(int value);

  @Description("Retries of a prompt after the router gave up (all providers failed), with backoff")
  @Default.Integer(6)
  int getMaxRetries();

  void setMaxRetries(int value);

  @Description("First backoff before retrying a prompt, in ms; doubles up to 30 s, with jitter")
  @Default.Long(500)
  long getRetryBackoffMs();

  void setRetryBackoffMs(long value);

  @Description("Tries per call across providers inside the router (MCP_MAX_ATTEMPTS)")
  @Default.Integer(3)
  int getRouterAttempts();

  void setRouterAttempts(int value);

  @Description("Providers as YAML text (set by the command from MCP_PROVIDERS_FILE or the env)")
  String getProvidersYaml();

  void setProvidersYaml(String value);

  @Description("Routing weights file (MCP_ROUTING_WEIGHTS_FILE) applied when choosing providers")
  String getRoutingWeightsFile();

  void setRoutingWeightsFile(String value);

  @Description("Print progress every this many seconds (0: never)")
  @Default.Integer(5)
  int getProgressSeconds();

  void setProgressSeconds(int value);

  @Description("Serve GET /metrics (Prometheus text) on this port while the job runs (0: off)")
  @Default.Integer(0)
  int getMetricsPort();

  void setMetricsPort(int value);
}
