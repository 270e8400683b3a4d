package io.mcpai.batch;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Reads input files line by line (so every error can name {@code file:line}) and reads each line's
 * envelope: {@code KV(custom_id, "P" + prompt)} on the main output, an error line for anything
 * unreadable. Blank lines are skipped, as JSON-lines readers do.
 */
final class ReadPromptsFn extends DoFn<FileIO.ReadableFile, KV<Integer, KV<String, String>>> {
  static final TupleTag<KV<Integer, KV<String, String>>> PROMPTS = new TupleTag<>() {};
  static final TupleTag<String> ERRORS = new TupleTag<>() {};
  static final String PROMPT_MARK = "P";
  static final String DONE_MARK = "D";

  private final String jobId;
  private final int buckets;
  private transient Progress progress;

  ReadPromptsFn(String jobId, int buckets) {
    this.jobId = jobId;
    this.buckets = Math.max(1, buckets);
  }

  /** The group-by bucket of an id. */
  static int bucket(String customId, int buckets) {
    return Math.floorMod(customId.hashCode() * 0x9E3779B9, Math.max(1, buckets));
  }

  @Setup
  public void setup() {
    progress = new Progress(jobId);
  }

  @ProcessElement
  public void process(@Element FileIO.ReadableFile file, MultiOutputReceiver out)
      throws IOException {
    String name = file.getMetadata().resourceId().toString();
    try (BufferedReader r =
        new BufferedReader(Channels.newReader(file.open(), StandardCharsets.UTF_8))) {
      int n = 0;
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        progress.inc(Progress.LINES);
        String source = name + ":" + n;
        try {
          Prompt p = InputLine.parse(line, source);
          out.get(PROMPTS)
              .output(
                  KV.of(
                      bucket(p.customId(), buckets),
                      KV.of(p.customId(), PROMPT_MARK + p.toJson())));
        } catch (InputLine.Invalid e) {
          progress.inc(Progress.INVALID);
          out.get(ERRORS)
              .output(
                  OutputLines.error(e.customId(), source, OutputLines.PARSE, e.problems(), jobId));
        }
      }
    }
    progress.report();
  }
}
