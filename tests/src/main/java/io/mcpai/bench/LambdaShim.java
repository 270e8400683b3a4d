package io.mcpai.bench;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the Lambda Java runtime does with a {@code RequestStreamHandler}, for the cold-start
 * benchmark: load the handler class named on the command line, construct it (Lambda's init phase),
 * then hand it each event file's bytes and read the answer. Prints {@code DONE name status} per
 * event. Reflection only: it runs on any package's classpath.
 */
public final class LambdaShim {
  private LambdaShim() {}

  /** CPU time this process has used so far (all threads), in milliseconds. */
  static long cpuMillis() {
    return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toMillis()).orElse(-1L);
  }

  public static void main(String[] args) throws Exception {
    String[] handler = args[0].split("::");
    Class<?> type = Class.forName(handler[0]);
    Object instance = type.getConstructor().newInstance();
    Method m = null;
    for (Method candidate : type.getMethods()) {
      if (candidate.getName().equals(handler[1]) && candidate.getParameterCount() == 3) {
        m = candidate;
      }
    }
    for (int i = 1; i < args.length; i++) {
      Path event = Path.of(args[i]);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      m.invoke(
          instance,
          (InputStream) new ByteArrayInputStream(Files.readAllBytes(event)),
          (OutputStream) out,
          null);
      String answer = out.toString(StandardCharsets.UTF_8);
      int at = answer.indexOf("\"statusCode\":");
      String status = at < 0 ? "?" : answer.substring(at + 13, at + 16);
      System.out.println("DONE " + event.getFileName() + " " + status + " cpu " + cpuMillis());
      System.out.flush();
    }
    System.exit(0);
  }
}
