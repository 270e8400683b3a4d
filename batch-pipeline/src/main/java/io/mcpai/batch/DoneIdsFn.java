package io.mcpai.batch;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/**
 * Reads the parts earlier runs left in the output and emits {@code KV(custom_id, "D")} for every id
 * that is done: it has a result, or a final (non-retryable) error.
 */
final class DoneIdsFn extends DoFn<FileIO.ReadableFile, KV<Integer, KV<String, String>>> {
  private final int buckets;

  DoneIdsFn(int buckets) {
    this.buckets = buckets;
  }

  @ProcessElement
  public void process(
      @Element FileIO.ReadableFile file, OutputReceiver<KV<Integer, KV<String, String>>> out)
      throws IOException {
    String name = file.getMetadata().resourceId().getFilename();
    boolean results = name != null && name.startsWith(PartFiles.RESULTS);
    try (BufferedReader r =
        new BufferedReader(Channels.newReader(file.open(), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        OutputLines.Seen s = OutputLines.seen(line, results);
        if (s.done()) {
          out.output(
              KV.of(
                  ReadPromptsFn.bucket(s.customId(), buckets),
                  KV.of(s.customId(), ReadPromptsFn.DONE_MARK)));
        }
      }
    }
  }
}
