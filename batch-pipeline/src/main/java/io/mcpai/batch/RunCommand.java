package io.mcpai.batch;

import io.mcpai.core.batch.BatchJobRequest;
import io.mcpai.core.protocol.ProtocolJson;
import io.mcpai.core.provider.ProviderConfig;
import io.mcpai.core.provider.ProviderSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * {@code run --input IN --output OUT [--job-id J] [--runner=R] [--name=value ...]}: the arguments
 * {@link BatchJobRequest#commandArguments()} produces. Providers come from the same settings as the
 * gateway's ({@code MCP_PROVIDERS_FILE}, else {@code MCP_MODEL_SERVICE_AWS/_GCP/_AZURE}), routing
 * weights from {@code MCP_ROUTING_WEIGHTS_FILE}. Prints progress while the job runs and a summary
 * at the end, and writes {@code summary.json} beside the results.
 */
public final class RunCommand {
  private RunCommand() {}

  /** What a run did, also written to {@code summary.json}. */
  public record Summary(
      String jobId,
      String state,
      long lines,
      long skippedDone,
      long invalid,
      long duplicates,
      long queued,
      long done,
      long failed,
      long retried,
      long poisonIsolated,
      long resultsTotal,
      long errorsTotal,
      double seconds,
      double promptsPerSecond,
      double callingSeconds,
      double callingPromptsPerSecond) {}

  /** Parses the command line into options; the command's own flags become pipeline options. */
  public static BatchOptions options(List<String> args, Map<String, String> env) {
    List<String> beamArgs = new ArrayList<>();
    String input = null;
    String output = null;
    String jobId = null;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      String flag = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
      String inline = a.contains("=") ? a.substring(a.indexOf('=') + 1) : null;
      switch (flag) {
        case "--input", "--output", "--job-id", "--jobId" -> {
          String v = inline;
          if (v == null) {
            if (i + 1 >= args.size()) {
              throw new IllegalArgumentException(flag + " needs a value");
            }
            v = args.get(++i);
          }
          if (flag.equals("--input")) {
            input = v;
          } else if (flag.equals("--output")) {
            output = v;
          } else {
            jobId = v;
          }
        }
        default -> beamArgs.add(a);
      }
    }
    if (input == null || output == null) {
      throw new IllegalArgumentException("run needs --input and --output");
    }
    if (jobId == null) {
      // The same id a queue message without job_id gets, so both name one job.
      Map<String, String> m = new LinkedHashMap<>();
      m.put("input", input);
      m.put("output", output);
      jobId = BatchJobRequest.parse(ProtocolJson.write(m)).jobId();
    }
    boolean direct =
        beamArgs.stream().noneMatch(a -> a.startsWith("--runner="))
            || beamArgs.contains("--runner=DirectRunner");
    if (direct) {
      // Elements are JSON strings; the checks re-encode every one of them on 2 cores for nothing.
      if (beamArgs.stream().noneMatch(a -> a.startsWith("--enforceImmutability"))) {
        beamArgs.add("--enforceImmutability=false");
      }
      if (beamArgs.stream().noneMatch(a -> a.startsWith("--enforceEncodability"))) {
        beamArgs.add("--enforceEncodability=false");
      }
      // Call bundles mostly wait on the network: more threads keep more batches in flight.
      if (beamArgs.stream().noneMatch(a -> a.startsWith("--targetParallelism"))) {
        beamArgs.add("--targetParallelism=12");
      }
    }
    boolean flinkLocal =
        beamArgs.contains("--runner=FlinkRunner")
            && beamArgs.stream()
                .noneMatch(a -> a.startsWith("--flinkMaster=") && !a.endsWith("[local]"));
    if (flinkLocal && beamArgs.stream().noneMatch(a -> a.startsWith("--parallelism"))) {
      // An embedded cluster's default is one slot per core; calls wait on the network, and each
      // slot waits for its bundle's slowest call, so more slots keep the endpoints busier.
      beamArgs.add("--parallelism=8");
    }
    PipelineOptionsFactory.register(BatchOptions.class);
    BatchOptions o =
        PipelineOptionsFactory.fromArgs(beamArgs.toArray(String[]::new))
            .withValidation()
            .as(BatchOptions.class);
    o.setInput(input);
    o.setOutput(output.endsWith("/") ? output : output + "/");
    o.setJobId(jobId);
    o.setJobName("mcp-batch-" + jobId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-"));
    if (o.getProvidersYaml() == null) {
      o.setProvidersYaml(providersYaml(env));
    } else {
      Fleet.providers(o.getProvidersYaml()); // validated here, not on a worker
    }
    if (o.getRoutingWeightsFile() == null) {
      String w = env.get("MCP_ROUTING_WEIGHTS_FILE");
      o.setRoutingWeightsFile(w == null || w.isBlank() ? null : w.trim());
    }
    BulkPipeline.useGroupIntoBatches(o); // fails early on a bad --batching
    return o;
  }

  /** The providers as YAML text, from the gateway's settings. */
  static String providersYaml(Map<String, String> env) {
    String file = env.get(ProviderSettings.FILE_ENV);
    if (file != null && !file.isBlank()) {
      try {
        String text = Files.readString(Path.of(file.trim()));
        Fleet.providers(text); // validated here, not on a worker
        return text;
      } catch (IOException e) {
        throw new IllegalArgumentException(
            ProviderSettings.FILE_ENV + ": cannot read " + file + ": " + e.getMessage(), e);
      }
    }
    List<ProviderConfig> configs = ProviderSettings.fromEnvironment(env);
    if (configs.isEmpty()) {
      throw new IllegalArgumentException(
          "no provider is configured: set MCP_PROVIDERS_FILE (the gateway's providers YAML) or"
              + " MCP_MODEL_SERVICE_AWS/_GCP/_AZURE (LMI URLs), or pass --providersYaml=...");
    }
    Map<String, Object> providers = new LinkedHashMap<>();
    for (ProviderConfig c : configs) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("kind", c.kind());
      m.put("endpoint", c.endpoint().toString());
      m.put("context_window", c.contextWindow());
      providers.put(c.name(), m);
    }
    DumperOptions d = new DumperOptions();
    d.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    return new Yaml(d).dump(Map.of("providers", providers));
  }

  /** Runs the job to the end; returns its summary. */
  public static Summary run(BatchOptions o, PrintStream log) throws IOException {
    FileSystems.setDefaultPipelineOptions(o);
    String jobId = o.getJobId();
    Progress.reset(jobId);
    log.printf(
        "mcp-batch run job=%s input=%s output=%s runner=%s batching=%s batch=%d providers=%s%n",
        jobId,
        o.getInput(),
        o.getOutput(),
        o.getRunner().getSimpleName(),
        BulkPipeline.useGroupIntoBatches(o) ? "GroupIntoBatches" : "bundle",
        o.getMaxBatchSize(),
        Fleet.providers(o.getProvidersYaml()).stream().map(ProviderConfig::name).toList());
    Pipeline p = Pipeline.create(o);
    BulkPipeline.build(p, o);
    long t0 = System.nanoTime();
    ProgressLine progress = new ProgressLine(jobId, log, o.getProgressSeconds());
    PipelineResult.State state;
    MetricsEndpoint metrics = MetricsEndpoint.start(o.getMetricsPort(), jobId, log);
    try {
      progress.start();
      PipelineResult result = p.run();
      state = result.waitUntilFinish();
    } finally {
      progress.stop();
      if (metrics != null) {
        metrics.close();
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    MergedOutput.Counts merged = MergedOutput.merge(o.getOutput());
    long done = Progress.get(jobId, Progress.DONE);
    double calling =
        (Progress.get(jobId, Progress.LAST_DONE_NANOS)
                - Progress.get(jobId, Progress.FIRST_DONE_NANOS))
            / 1e9;
    Summary s =
        new Summary(
            jobId,
            String.valueOf(state),
            Progress.get(jobId, Progress.LINES),
            Progress.get(jobId, Progress.SKIPPED),
            Progress.get(jobId, Progress.INVALID),
            Progress.get(jobId, Progress.DUPLICATES),
            Progress.get(jobId, Progress.QUEUED),
            done,
            Progress.get(jobId, Progress.FAILED),
            Progress.get(jobId, Progress.RETRIED),
            Progress.get(jobId, Progress.POISON),
            merged.results(),
            merged.errors(),
            Math.round(seconds * 1000) / 1000.0,
            Math.round(done / Math.max(seconds, 1e-9) * 10) / 10.0,
            Math.round(calling * 1000) / 1000.0,
            calling > 0 ? Math.round(done / calling * 10) / 10.0 : 0);
    MergedOutput.writeText(o.getOutput(), "summary.json", ProtocolJson.write(s));
    log.printf(
        "mcp-batch %s job=%s: %d lines, %d done now (%.1f/s; %.1f/s from first to last answer),"
            + " %d failed, %d skipped (done before), %d invalid, %d duplicates, %d retried, %d"
            + " poison isolated; results.jsonl %d, errors.jsonl %d, in %.1f s%n",
        state,
        jobId,
        s.lines(),
        s.done(),
        s.promptsPerSecond(),
        s.callingPromptsPerSecond(),
        s.failed(),
        s.skippedDone(),
        s.invalid(),
        s.duplicates(),
        s.retried(),
        s.poisonIsolated(),
        s.resultsTotal(),
        s.errorsTotal(),
        seconds);
    return s;
  }

  /** Prints done, failed, rate and ETA every few seconds while the job runs in this JVM. */
  static final class ProgressLine {
    private final String jobId;
    private final PrintStream log;
    private final int every;
    private Thread thread;

    ProgressLine(String jobId, PrintStream log, int every) {
      this.jobId = jobId;
      this.log = log;
      this.every = every;
    }

    void start() {
      if (every <= 0) {
        return;
      }
      thread =
          new Thread(
              () -> {
                long t0 = System.nanoTime();
                try {
                  while (true) {
                    Thread.sleep(every * 1000L);
                    log.println(line(jobId, (System.nanoTime() - t0) / 1e9));
                  }
                } catch (InterruptedException e) {
                  // stopped
                }
              },
              "mcp-batch-progress");
      thread.setDaemon(true);
      thread.start();
    }

    void stop() {
      if (thread != null) {
        thread.interrupt();
      }
    }

    static String line(String jobId, double seconds) {
      long done = Progress.get(jobId, Progress.DONE);
      long failed = Progress.get(jobId, Progress.FAILED);
      long queued = Progress.get(jobId, Progress.QUEUED);
      long skipped = Progress.get(jobId, Progress.SKIPPED);
      double rate = done / Math.max(seconds, 1e-9);
      long left = Math.max(0, queued - done - failed);
      String eta = rate > 0 && queued > 0 ? String.format("%.0f s", left / rate) : "?";
      String throttle = Fleet.throttleSummary();
      return String.format(
          "[mcp-batch %s] done %d/%d, failed %d, skipped %d, %.1f prompts/s, ETA %s%s",
          jobId,
          done,
          queued,
          failed,
          skipped,
          rate,
          eta,
          throttle.isEmpty() ? "" : "; in flight/limit: " + throttle);
    }
  }
}
