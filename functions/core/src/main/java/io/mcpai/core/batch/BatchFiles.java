package io.mcpai.core.batch;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/** Reads what a local batch job left behind: its log's last lines, its output files' lengths. */
final class BatchFiles {
  private static final int TAIL_BYTES = 16 * 1024;

  private BatchFiles() {}

  /** The last {@code lines} lines of {@code file} (read from its last 16 KiB), or none. */
  static List<String> tail(Path file, int lines) {
    if (!Files.isRegularFile(file)) {
      return List.of();
    }
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long from = Math.max(0, f.length() - TAIL_BYTES);
      byte[] bytes = new byte[(int) (f.length() - from)];
      f.seek(from);
      f.readFully(bytes);
      List<String> all =
          new ArrayList<>(Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\n")));
      if (from > 0 && !all.isEmpty()) {
        all.remove(0); // a partial first line
      }
      all.removeIf(String::isBlank);
      return List.copyOf(all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return List.of("(log unreadable: " + e.getMessage() + ")");
    }
  }

  /**
   * Lines in the files {@code <prefix>*.jsonl} of the output directory, when {@code output} is a
   * local directory ({@code file:} or no scheme) that exists; else null (remote, or not yet).
   */
  static Long countLines(String output, String prefix) {
    if (output.contains("://") && !output.startsWith("file://")) {
      return null;
    }
    Path dir = Path.of(output.startsWith("file://") ? output.substring(7) : output);
    if (!Files.isDirectory(dir)) {
      return null;
    }
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> matching =
          files
              .filter(
                  f -> {
                    String n = f.getFileName().toString();
                    return n.startsWith(prefix) && n.endsWith(".jsonl") && Files.isRegularFile(f);
                  })
              .toList();
      if (matching.isEmpty()) {
        return null;
      }
      long n = 0;
      for (Path f : matching) {
        n += newlines(f);
      }
      return n;
    } catch (IOException e) {
      return null;
    }
  }

  private static long newlines(Path file) throws IOException {
    long n = 0;
    byte[] buf = new byte[64 * 1024];
    try (InputStream in = Files.newInputStream(file)) {
      for (int r; (r = in.read(buf)) > 0; ) {
        for (int i = 0; i < r; i++) {
          if (buf[i] == '\n') {
            n++;
          }
        }
      }
    }
    return n;
  }
}
