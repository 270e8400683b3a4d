package io.mcpai.inference.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A safetensors file: an 8-byte header length, a JSON header naming each tensor's dtype, shape and
 * byte range, then the data. Each tensor is memory-mapped on its own, so files beyond 2 GB (LLaMA 2
 * 7B shards are ~10 GB) work as long as a single tensor stays under 2 GB.
 */
public final class SafetensorsFile implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_HEADER = 100L << 20;

  private record Entry(DType dtype, long[] shape, long begin, long end) {}

  private final Path path;
  private final FileChannel channel;
  private final long dataStart;
  private final Map<String, Entry> entries = new LinkedHashMap<>();

  private SafetensorsFile(Path path) throws IOException {
    this.path = path;
    this.channel = FileChannel.open(path, StandardOpenOption.READ);
    ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    readFully(len, 0);
    long headerLen = len.flip().getLong();
    long size = channel.size();
    if (headerLen <= 0 || headerLen > MAX_HEADER || 8 + headerLen > size) {
      throw new ModelLoadException("not a safetensors file (bad header length): " + path);
    }
    ByteBuffer header = ByteBuffer.allocate((int) headerLen);
    readFully(header, 8);
    this.dataStart = 8 + headerLen;
    JsonNode root = JSON.readTree(header.array());
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      if (f.getKey().equals("__metadata__")) {
        continue;
      }
      JsonNode t = f.getValue();
      JsonNode shapeNode = t.path("shape");
      long[] shape = new long[shapeNode.size()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = shapeNode.get(i).asLong();
      }
      long begin = t.path("data_offsets").path(0).asLong();
      long end = t.path("data_offsets").path(1).asLong();
      DType dtype = DType.parse(t.path("dtype").asText(), f.getKey());
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      if (end - begin != n * dtype.bytes || dataStart + end > size) {
        throw new ModelLoadException(
            "corrupt safetensors entry " + f.getKey() + " in " + path + " (byte range mismatch)");
      }
      entries.put(f.getKey(), new Entry(dtype, shape, begin, end));
    }
  }

  private void readFully(ByteBuffer b, long pos) throws IOException {
    while (b.hasRemaining()) {
      int r = channel.read(b, pos + b.position());
      if (r < 0) {
        throw new ModelLoadException("truncated safetensors file: " + path);
      }
    }
  }

  public static SafetensorsFile open(Path path) {
    if (!Files.isRegularFile(path)) {
      throw new ModelLoadException("missing file: " + path.toAbsolutePath());
    }
    try {
      return new SafetensorsFile(path);
    } catch (IOException e) {
      throw new ModelLoadException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  public Set<String> names() {
    return entries.keySet();
  }

  public boolean has(String name) {
    return entries.containsKey(name);
  }

  /** Maps just this tensor's byte range. */
  public Tensor tensor(String name) {
    Entry e = entries.get(name);
    if (e == null) {
      throw new ModelLoadException("missing tensor " + name + " in " + path);
    }
    long len = e.end - e.begin;
    if (len > Integer.MAX_VALUE) {
      throw new ModelLoadException("tensor " + name + " is larger than 2 GB; not supported");
    }
    try {
      ByteBuffer buf =
          channel
              .map(FileChannel.MapMode.READ_ONLY, dataStart + e.begin, len)
              .order(ByteOrder.LITTLE_ENDIAN);
      return new Tensor(name, e.dtype, e.shape.clone(), buf);
    } catch (IOException ex) {
      throw new ModelLoadException(
          "cannot map " + name + " from " + path + ": " + ex.getMessage(), ex);
    }
  }

  public Path path() {
    return path;
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException ignored) {
      // read-only; nothing to flush
    }
  }
}
