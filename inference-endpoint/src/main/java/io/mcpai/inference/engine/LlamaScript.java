package io.mcpai.inference.engine;

import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The forward pass's TorchScript methods ({@code llama_step.torchscript}), run by libtorch's
 * interpreter through DJL's PyTorch engine. A decode step issues some 300 ATen ops; called one by
 * one from Java each costs a JNI crossing, an NDArray handle and manager bookkeeping (about 3 ms of
 * a 21 ms 16-row step), and some ops DJL cannot express at all (a bf16 cast). As one scripted call
 * the step crosses JNI a handful of times.
 *
 * <p>The module holds no tensors: weights and caches are arguments, so it is packed here from its
 * source text into TorchScript's archive layout (a zip of version, pickled module object and code)
 * and compiled by libtorch at load; no Python is involved.
 */
final class LlamaScript implements AutoCloseable {
  private static final String SOURCE = "llama_step.torchscript";
  private final PtSymbolBlock module;

  private LlamaScript(PtSymbolBlock module) {
    this.module = module;
  }

  static LlamaScript load(PtNDManager manager) {
    String code;
    try (InputStream in = LlamaScript.class.getResourceAsStream(SOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + SOURCE);
      }
      code = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      return new LlamaScript(
          JniUtils.loadModule(manager, new ByteArrayInputStream(archive(code)), false, false));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * TorchScript's archive for a module of class {@code __torch__.llama.Step} with no attributes but
   * {@code training}: the pickle is what libtorch's own pickler writes for such an object (GLOBAL
   * class, EMPTY_TUPLE NEWOBJ, then BUILD from a one-entry dict).
   */
  static byte[] archive(String code) throws IOException {
    ByteArrayOutputStream pickle = new ByteArrayOutputStream();
    pickle.write(new byte[] {(byte) 0x80, 2}); // PROTO 2
    pickle.write("c__torch__.llama\nStep\n".getBytes(StandardCharsets.US_ASCII)); // GLOBAL
    pickle.write(new byte[] {')', (byte) 0x81, '}'}); // EMPTY_TUPLE NEWOBJ EMPTY_DICT
    byte[] training = "training".getBytes(StandardCharsets.US_ASCII);
    pickle.write(new byte[] {'X', (byte) training.length, 0, 0, 0}); // BINUNICODE
    pickle.write(training);
    pickle.write(new byte[] {(byte) 0x89, 's', 'b', '.'}); // NEWFALSE SETITEM BUILD STOP
    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(zip)) {
      stored(z, "archive/version", "10\n".getBytes(StandardCharsets.US_ASCII));
      stored(z, "archive/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
      stored(z, "archive/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
      stored(z, "archive/data.pkl", pickle.toByteArray());
      stored(z, "archive/code/__torch__/llama.py", code.getBytes(StandardCharsets.UTF_8));
    }
    return zip.toByteArray();
  }

  private static void stored(ZipOutputStream z, String name, byte[] bytes) throws IOException {
    ZipEntry e = new ZipEntry(name);
    e.setMethod(ZipEntry.STORED);
    e.setSize(bytes.length);
    CRC32 crc = new CRC32();
    crc.update(bytes);
    e.setCrc(crc.getValue());
    z.putNextEntry(e);
    z.write(bytes);
    z.closeEntry();
  }

  /** Runs a method; the caller closes the result (and its own argument values). */
  IValue call(String method, IValue... args) {
    return IValueUtils.runMethod(module, method, args);
  }

  @Override
  public void close() {
    module.close();
  }
}
