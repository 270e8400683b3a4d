package io.mcpai.core.batch;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;

/** Picks the batch job launcher named by {@code MCP_BATCH_LAUNCHER} (default {@code process}). */
public final class BatchJobLaunchers {
  private BatchJobLaunchers() {}

  public static BatchJobLauncher fromEnvironment(Map<String, String> env) {
    String kind = env.getOrDefault("MCP_BATCH_LAUNCHER", "");
    if (kind.isBlank() || kind.equals(ProcessBatchJobLauncher.KIND)) {
      return ProcessBatchJobLauncher.fromEnvironment(env);
    }
    TreeSet<String> known = new TreeSet<>();
    known.add(ProcessBatchJobLauncher.KIND);
    for (BatchJobLauncher.Factory f : ServiceLoader.load(BatchJobLauncher.Factory.class)) {
      if (f.kind().equals(kind.trim())) {
        return f.create(env);
      }
      known.add(f.kind());
    }
    throw new IllegalArgumentException("MCP_BATCH_LAUNCHER '" + kind + "' is not one of " + known);
  }
}
