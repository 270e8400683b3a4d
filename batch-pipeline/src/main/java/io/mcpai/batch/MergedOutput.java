package io.mcpai.batch;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.util.MimeTypes;

/**
 * Merges every part into {@code results.jsonl} (one line per {@code custom_id}, the first written
 * wins: a part left by an interrupted bundle that was redone cannot make a duplicate) and {@code
 * errors.jsonl} (ids without a result; a final error wins over a retryable one; refused lines
 * without an id are keyed by their source line). Streams the parts twice and holds only ids.
 */
final class MergedOutput {
  static final String RESULTS_FILE = "results.jsonl";
  static final String ERRORS_FILE = "errors.jsonl";

  record Counts(long results, long errors, long duplicateResults) {}

  private MergedOutput() {}

  static Counts merge(String output) throws IOException {
    ResourceId dir = FileSystems.matchNewResource(output, true);
    Set<String> withResult = new HashSet<>();
    long[] dups = {0};
    long results;
    try (LineSink out = new LineSink(dir, RESULTS_FILE)) {
      PartFiles.readAll(
          output,
          PartFiles.RESULTS,
          line -> {
            OutputLines.Seen s = OutputLines.seen(line, true);
            if (s.customId() == null || !withResult.add(s.customId())) {
              dups[0]++;
              return;
            }
            out.accept(line);
          });
      results = out.count;
    }
    // Errors: choose per key first (final beats retryable), then write in one more pass.
    Map<String, Boolean> chosenFinal = new HashMap<>();
    PartFiles.readAll(
        output,
        PartFiles.ERRORS,
        line -> {
          OutputLines.Seen s = OutputLines.seen(line, false);
          if (s.customId() != null
              && withResult.contains(s.customId())
              && !OutputLines.DUPLICATE.equals(s.stage())) {
            return;
          }
          String key = s.key();
          chosenFinal.merge(key, s.finalError(), (a, b) -> a || b);
        });
    Set<String> written = new HashSet<>();
    long errors;
    try (LineSink out = new LineSink(dir, ERRORS_FILE)) {
      PartFiles.readAll(
          output,
          PartFiles.ERRORS,
          line -> {
            OutputLines.Seen s = OutputLines.seen(line, false);
            String key = s.key();
            Boolean wantFinal = chosenFinal.get(key);
            if (wantFinal == null || wantFinal != s.finalError() || !written.add(key)) {
              return;
            }
            out.accept(line);
          });
      errors = out.count;
    }
    return new Counts(results, errors, dups[0]);
  }

  static void writeText(String output, String name, String text) throws IOException {
    ResourceId f =
        FileSystems.matchNewResource(output, true)
            .resolve(name, StandardResolveOptions.RESOLVE_FILE);
    PartFiles.writeLines(f, List.of(text));
  }

  /** Writes lines to a temporary file, renamed over the target on close. */
  private static final class LineSink
      implements AutoCloseable, java.util.function.Consumer<String> {
    final ResourceId tmp;
    final ResourceId dst;
    final OutputStream out;
    long count;

    LineSink(ResourceId dir, String name) throws IOException {
      this.dst = dir.resolve(name, StandardResolveOptions.RESOLVE_FILE);
      this.tmp = dir.resolve("." + name + ".tmp", StandardResolveOptions.RESOLVE_FILE);
      this.out = Channels.newOutputStream(FileSystems.create(tmp, MimeTypes.TEXT));
    }

    @Override
    public void accept(String line) {
      try {
        out.write(line.getBytes(StandardCharsets.UTF_8));
        out.write('\n');
        count++;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() throws IOException {
      out.close();
      FileSystems.delete(
          List.of(dst),
          org.apache.beam.sdk.io.fs.MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
      FileSystems.rename(List.of(tmp), List.of(dst));
    }
  }
}
