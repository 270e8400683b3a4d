package io.mcpai.batch;

import io.mcpai.batch.learn.LearnCommand;
import io.mcpai.core.cost.CostReport;
import java.util.Arrays;
import java.util.List;

/**
 * {@code java -jar mcp-batch.jar run --input IN --output OUT [--job-id J] [beam options]} or {@code
 * learn --log FILE... --output DIR [options]} or {@code cost --log FILE... --output DIR}.
 */
public final class Main {
  static final String USAGE =
      """
      usage: mcp-batch run --input IN --output OUT [--job-id J] [--runner=DirectRunner|FlinkRunner|SparkRunner|DataflowRunner] [--name=value ...]
             mcp-batch learn --log FILE [--log FILE ...] --output DIR [--latency-weight=1] [--failure-penalty-ms=2000] [--cost-weight=0] [--holdout=0.2] [--seed=1]
             mcp-batch cost --log FILE [FILE ...] --output DIR   (spend by provider, model, key and day: cost.csv, cost.png)
      """;

  private Main() {}

  public static void main(String[] args) throws Exception {
    System.exit(dispatch(args));
  }

  /** Runs one command and returns the process's exit status (2 for bad usage). */
  static int dispatch(String[] args) throws Exception {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      System.out.print(USAGE);
      return args.length == 0 ? 2 : 0;
    }
    List<String> rest = Arrays.asList(args).subList(1, args.length);
    try {
      switch (args[0]) {
        case "run" -> {
          RunCommand.Summary s =
              RunCommand.run(RunCommand.options(rest, System.getenv()), System.err);
          return s.state().equals("DONE") ? 0 : 1;
        }
        case "learn" -> {
          LearnCommand.run(rest, System.err);
          return 0;
        }
        case "cost" -> {
          // The request-log cost report lives in core (plain Java2D); the batch jar is its CLI.
          System.setProperty("java.awt.headless", "true");
          return CostReport.run(rest.toArray(String[]::new), System.out, System.err);
        }
        default -> throw new IllegalArgumentException("unknown command '" + args[0] + "'");
      }
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.print(USAGE);
      return 2;
    }
  }
}
