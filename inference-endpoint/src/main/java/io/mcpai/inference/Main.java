package io.mcpai.inference;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import io.mcpai.core.config.EnvSettings;
import io.mcpai.core.tracing.Tracing;
import io.mcpai.inference.generate.InferenceMetrics;
import io.mcpai.inference.generate.Scheduler;
import io.mcpai.inference.generate.SchedulerConfig;
import io.mcpai.inference.server.EndpointServer;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar mcp-inference-endpoint.jar serve [--server.port=N]}: loads the model and serves
 * the SageMaker/LMI contract until the process is stopped.
 */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  /** Effective settings, from arguments and the environment. */
  public record Settings(
      String host,
      int port,
      Path modelDir,
      String device,
      String dtype,
      int threads,
      SchedulerConfig limits) {

    public static Settings from(String[] args, Map<String, String> env) {
      Integer argPort = null;
      for (String a : args) {
        if (a.startsWith("--server.port=")) {
          argPort = parsePort(a.substring("--server.port=".length()), "--server.port");
        } else if (!a.equals("serve")) {
          throw new IllegalArgumentException(
              "unknown argument " + a + " (usage: serve [--server.port=N])");
        }
      }
      int port =
          argPort != null
              ? argPort
              : env.containsKey("SERVER_PORT")
                  ? parsePort(env.get("SERVER_PORT"), "SERVER_PORT")
                  : env.containsKey("SAGEMAKER_BIND_TO_PORT")
                      ? parsePort(env.get("SAGEMAKER_BIND_TO_PORT"), "SAGEMAKER_BIND_TO_PORT")
                      : 8080;
      Path cache = Path.of(env.getOrDefault("MCP_CACHE_DIR", System.getProperty("java.io.tmpdir")));
      return new Settings(
          env.getOrDefault("MCP_BIND_ADDRESS", "0.0.0.0"),
          port,
          ModelBundle.resolveDir(env, cache),
          env.getOrDefault("MCP_DEVICE", "auto"),
          env.getOrDefault("MCP_DTYPE", "auto"),
          threads(env),
          new SchedulerConfig(
              EnvSettings.integer(env, "MCP_MAX_BATCH_SIZE", 32),
              EnvSettings.integer(env, "MCP_MAX_BATCH_TOKENS", 65536),
              EnvSettings.integer(env, "MCP_MAX_QUEUE", 128)));
    }

    /**
     * libtorch's intra-op threads on CPU: MCP_NUM_THREADS, else {@code
     * -Dai.djl.pytorch.num_threads}, else every core. A decode step's matmuls split across cores,
     * so a server uses them all; tests and the single-stream benchmark pin one.
     */
    private static int threads(Map<String, String> env) {
      String property = System.getProperty("ai.djl.pytorch.num_threads");
      int dflt =
          property != null && !property.isBlank()
              ? Integer.parseInt(property.trim())
              : Runtime.getRuntime().availableProcessors();
      int n = EnvSettings.integer(env, "MCP_NUM_THREADS", dflt);
      if (n < 1) {
        throw new IllegalArgumentException("MCP_NUM_THREADS must be at least 1, got " + n);
      }
      return n;
    }

    private static int parsePort(String v, String where) {
      try {
        int p = Integer.parseInt(v.trim());
        if (p < 0 || p > 65535) {
          throw new NumberFormatException();
        }
        return p;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            where + " must be a port number (0-65535), got '" + v + "'");
      }
    }
  }

  /** A running endpoint: model, scheduler, server, and its spans' exporter. */
  public record Running(
      ModelBundle model, Scheduler scheduler, EndpointServer server, Tracing tracing)
      implements AutoCloseable {
    public int port() {
      return server.port();
    }

    @Override
    public void close() {
      server.close();
      scheduler.close();
      model.engine().close();
      tracing.close();
    }
  }

  /** Starts with tracing from the environment ({@link Tracing}: off unless an OTLP URL is set). */
  public static Running start(Settings s) throws InterruptedException {
    return start(s, Tracing.fromEnvironment(System.getenv(), "mcp-inference-endpoint"));
  }

  public static Running start(Settings s, Tracing tracing) throws InterruptedException {
    Device device = ModelBundle.chooseDevice(s.device());
    DataType dtype = ModelBundle.chooseDtype(s.dtype(), device);
    if (!device.isGpu()) {
      // Set before the scheduler thread exists: libtorch applies the count to a thread on its first
      // op.
      JniUtils.setNumThreads(s.threads());
    }
    ModelBundle model = ModelBundle.load(s.modelDir(), device, dtype);
    InferenceMetrics metrics = new InferenceMetrics();
    metrics.maxQueue(s.limits().maxQueue());
    metrics.watchGpu(device);
    Scheduler scheduler = new Scheduler(model.engine(), model.tokenizer(), s.limits(), metrics);
    EndpointServer server =
        new EndpointServer(s.host(), s.port(), scheduler, metrics, model.name(), tracing);
    log.info(
        "mcp-inference-endpoint listening on {}:{} model={} engine={} threads={} tokenizer={} context={} maxBatchSize={} maxBatchTokens={} maxQueue={} tracing={}",
        s.host(),
        server.port(),
        s.modelDir().toAbsolutePath(),
        model.engine().describe(),
        device.isGpu() ? "n/a" : s.threads(),
        model.tokenizer().source(),
        model.engine().config().maxPositions(),
        s.limits().maxBatchSize(),
        s.limits().maxBatchTokens(),
        s.limits().maxQueue(),
        tracing.describe());
    return new Running(model, scheduler, server, tracing);
  }

  public static void main(String[] args) throws Exception {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true"); // never download libtorch at run time
    }
    Settings s;
    try {
      s = Settings.from(args, System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(2);
      return;
    }
    Running r = start(s);
    Runtime.getRuntime().addShutdownHook(new Thread(r::close, "shutdown"));
    Thread.currentThread().join();
  }
}
