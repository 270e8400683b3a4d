package io.mcpai.batch;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.transforms.DoFn;

/** Writes a bundle of output lines (refused input) as one part file of the given kind. */
final class WritePartsFn extends DoFn<String, Void> {
  private final String output;
  private final String kind;
  private transient List<String> lines;

  WritePartsFn(String output, String kind) {
    this.output = output;
    this.kind = kind;
  }

  @StartBundle
  public void start() {
    lines = new ArrayList<>();
  }

  @ProcessElement
  public void process(@Element String line) {
    lines.add(line);
  }

  @FinishBundle
  public void finish() {
    PartFiles.write(output, kind, lines);
    lines = null;
  }
}
