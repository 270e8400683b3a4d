package io.mcpai.batch;

import java.io.Serializable;

/**
 * The options the pipeline's functions need on a worker, resolved once at launch (providers as YAML
 * text, so a worker on another machine needs no provider file or environment of its own).
 */
record BatchSettings(
    String jobId,
    String output,
    String providersYaml,
    String routingWeightsFile,
    int routerAttempts,
    int initialConcurrency,
    int maxConcurrency,
    int maxRetries,
    long retryBackoffMs)
    implements Serializable {

  static BatchSettings from(BatchOptions o) {
    return new BatchSettings(
        o.getJobId(),
        o.getOutput(),
        o.getProvidersYaml(),
        o.getRoutingWeightsFile(),
        o.getRouterAttempts(),
        Math.max(1, o.getInitialConcurrency()),
        Math.max(1, o.getMaxConcurrency()),
        Math.max(0, o.getMaxRetries()),
        Math.max(1, o.getRetryBackoffMs()));
  }

  /** Functions with equal keys share one {@link Fleet} per JVM. */
  String fleetKey() {
    return providersYaml
        + "\n|"
        + routingWeightsFile
        + "|"
        + routerAttempts
        + "|"
        + initialConcurrency
        + "|"
        + maxConcurrency;
  }
}
