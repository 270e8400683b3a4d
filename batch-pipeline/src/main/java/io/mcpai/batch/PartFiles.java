package io.mcpai.batch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.ResolveOptions.StandardResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.util.MimeTypes;

/**
 * The job's durable record under {@code <output>/parts/}: each finished bundle of calls becomes one
 * {@code results-<uuid>.jsonl} and one {@code errors-<uuid>.jsonl}, written under a temporary name
 * and renamed, on any Beam filesystem. A killed run keeps every part written before the kill; the
 * next run reads the parts first and skips their ids; at the end of a run the parts are merged into
 * {@code results.jsonl} and {@code errors.jsonl}.
 */
final class PartFiles {
  static final String DIR = "parts/";
  static final String RESULTS = "results";
  static final String ERRORS = "errors";

  private PartFiles() {}

  static ResourceId dir(String output) {
    return FileSystems.matchNewResource(output, true)
        .resolve(DIR, StandardResolveOptions.RESOLVE_DIRECTORY);
  }

  static String glob(String output, String kind) {
    return dir(output).resolve(kind + "-*.jsonl", StandardResolveOptions.RESOLVE_FILE).toString();
  }

  /** Writes the lines as a new part; nothing when there are none. */
  static void write(String output, String kind, List<String> lines) {
    if (lines.isEmpty()) {
      return;
    }
    String id = UUID.randomUUID().toString();
    ResourceId dir = dir(output);
    ResourceId tmp = dir.resolve(".tmp-" + kind + "-" + id, StandardResolveOptions.RESOLVE_FILE);
    ResourceId dst = dir.resolve(kind + "-" + id + ".jsonl", StandardResolveOptions.RESOLVE_FILE);
    try {
      writeLines(tmp, lines);
      FileSystems.rename(List.of(tmp), List.of(dst));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write part " + dst, e);
    }
  }

  static void writeLines(ResourceId file, List<String> lines) throws IOException {
    try (OutputStream out = Channels.newOutputStream(FileSystems.create(file, MimeTypes.TEXT))) {
      for (String l : lines) {
        out.write(l.getBytes(StandardCharsets.UTF_8));
        out.write('\n');
      }
    }
  }

  /** Every line of every part of one kind, in no particular order. */
  static void readAll(String output, String kind, Consumer<String> line) throws IOException {
    MatchResult m = FileSystems.match(glob(output, kind), EmptyMatchTreatment.ALLOW);
    if (m.status() != MatchResult.Status.OK) {
      return;
    }
    for (MatchResult.Metadata md : m.metadata()) {
      try (BufferedReader r =
          new BufferedReader(
              Channels.newReader(FileSystems.open(md.resourceId()), StandardCharsets.UTF_8))) {
        for (String l = r.readLine(); l != null; l = r.readLine()) {
          if (!l.isBlank()) {
            line.accept(l);
          }
        }
      }
    }
  }

  static List<String> list(String output, String kind) throws IOException {
    List<String> out = new ArrayList<>();
    MatchResult m = FileSystems.match(glob(output, kind), EmptyMatchTreatment.ALLOW);
    if (m.status() == MatchResult.Status.OK) {
      m.metadata().forEach(md -> out.add(md.resourceId().toString()));
    }
    return out;
  }
}
