package io.mcpai.core.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's resident set size, which the JVM's own memory pools do not show: the endpoint's
 * libtorch tensors and the gateway's direct buffers live outside the heap. Read from Linux's {@code
 * /proc/self/statm}; elsewhere unknown. Exported as {@code process_resident_memory_bytes}, the name
 * Prometheus client libraries give it.
 */
public final class ResidentMemory {
  public static final String METRIC = "process_resident_memory_bytes";
  private static final Path STATM = Path.of("/proc/self/statm");
  // statm counts pages; x86-64 and arm64 Linux use 4 KiB unless the kernel says otherwise.
  private static final long PAGE = 4096;

  private ResidentMemory() {}

  /** Resident bytes, or NaN where {@code /proc} is absent. */
  public static double bytes() {
    try {
      String[] f = Files.readString(STATM).trim().split("\\s+");
      return Long.parseLong(f[1]) * PAGE;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }
}
