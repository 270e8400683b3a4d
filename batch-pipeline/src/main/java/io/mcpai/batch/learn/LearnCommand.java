package io.mcpai.batch.learn;

import java.io.PrintStream;
import java.util.List;

/** {@code learn --log FILE... --output DIR}. */
public final class LearnCommand {
  private LearnCommand() {}

  public static void run(List<String> args, PrintStream log) {
    throw new IllegalArgumentException("learn: not implemented yet");
  }
}
