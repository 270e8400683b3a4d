package io.mcpai.app.observability;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real OTLP/HTTP traces receiver on a local socket: accepts {@code POST /v1/traces} with a
 * protobuf {@code ExportTraceServiceRequest} and decodes the spans it carries (the handful of
 * fields a test looks at) with a small protobuf wire reader, so no generated classes are needed.
 */
final class OtlpReceiver implements AutoCloseable {

  /** One received span. Ids are lower-case hex; {@code parentSpanId} is empty for a root. */
  record ReceivedSpan(
      String service,
      String traceId,
      String spanId,
      String parentSpanId,
      String name,
      int kind,
      Map<String, String> attributes) {}

  private final HttpServer server;
  private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
  private final List<String> contentTypes = new CopyOnWriteArrayList<>();

  OtlpReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/v1/traces",
        ex -> {
          try (InputStream in = ex.getRequestBody()) {
            contentTypes.add(String.valueOf(ex.getRequestHeaders().getFirst("content-type")));
            decodeRequest(in.readAllBytes());
            ex.getResponseHeaders().set("content-type", "application/x-protobuf");
            ex.sendResponseHeaders(200, -1); // an empty ExportTraceServiceResponse
          } catch (RuntimeException e) {
            ex.sendResponseHeaders(400, -1);
          } finally {
            ex.close();
          }
        });
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  List<ReceivedSpan> spans() {
    return List.copyOf(spans);
  }

  List<String> contentTypes() {
    return List.copyOf(contentTypes);
  }

  @Override
  public void close() {
    server.stop(0);
  }

  // ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
  private void decodeRequest(byte[] b) {
    for (Field f : fields(b)) {
      if (f.number == 1) {
        decodeResourceSpans(f.bytes);
      }
    }
  }

  // ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
  private void decodeResourceSpans(byte[] b) {
    String service = "";
    List<byte[]> scopes = new ArrayList<>();
    for (Field f : fields(b)) {
      if (f.number == 1) {
        // Resource { repeated KeyValue attributes = 1; }
        for (Field a : fields(f.bytes)) {
          if (a.number == 1) {
            String[] kv = keyValue(a.bytes);
            if (kv[0].equals("service.name")) {
              service = kv[1];
            }
          }
        }
      } else if (f.number == 2) {
        scopes.add(f.bytes);
      }
    }
    for (byte[] scope : scopes) {
      // ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }
      for (Field f : fields(scope)) {
        if (f.number == 2) {
          spans.add(decodeSpan(service, f.bytes));
        }
      }
    }
  }

  // Span { bytes trace_id = 1; bytes span_id = 2; bytes parent_span_id = 4; string name = 5;
  //        SpanKind kind = 6; repeated KeyValue attributes = 9; }
  private static ReceivedSpan decodeSpan(String service, byte[] b) {
    HexFormat hex = HexFormat.of();
    String trace = "";
    String span = "";
    String parent = "";
    String name = "";
    int kind = 0;
    Map<String, String> attributes = new TreeMap<>();
    for (Field f : fields(b)) {
      switch (f.number) {
        case 1 -> trace = hex.formatHex(f.bytes);
        case 2 -> span = hex.formatHex(f.bytes);
        case 4 -> parent = hex.formatHex(f.bytes);
        case 5 -> name = new String(f.bytes, StandardCharsets.UTF_8);
        case 6 -> kind = (int) f.varint;
        case 9 -> {
          String[] kv = keyValue(f.bytes);
          attributes.put(kv[0], kv[1]);
        }
        default -> {}
      }
    }
    return new ReceivedSpan(service, trace, span, parent, name, kind, attributes);
  }

  // KeyValue { string key = 1; AnyValue value = 2; }
  // AnyValue { string string_value = 1; bool bool_value = 2; int64 int_value = 3; ... }
  private static String[] keyValue(byte[] b) {
    String key = "";
    String value = "";
    for (Field f : fields(b)) {
      if (f.number == 1) {
        key = new String(f.bytes, StandardCharsets.UTF_8);
      } else if (f.number == 2) {
        for (Field v : fields(f.bytes)) {
          value =
              v.number == 1
                  ? new String(v.bytes, StandardCharsets.UTF_8)
                  : v.wireType == 0 ? Long.toString(v.varint) : value;
        }
      }
    }
    return new String[] {key, value};
  }

  /** One protobuf field: its number and its payload (varint value or bytes). */
  private record Field(int number, int wireType, long varint, byte[] bytes) {}

  private static List<Field> fields(byte[] b) {
    List<Field> out = new ArrayList<>();
    int[] pos = {0};
    while (pos[0] < b.length) {
      long tag = varint(b, pos);
      int number = (int) (tag >>> 3);
      int wire = (int) (tag & 7);
      switch (wire) {
        case 0 -> out.add(new Field(number, wire, varint(b, pos), null));
        case 1 -> pos[0] += 8;
        case 5 -> pos[0] += 4;
        case 2 -> {
          int len = (int) varint(b, pos);
          if (len < 0 || pos[0] + len > b.length) {
            throw new IllegalArgumentException("truncated field " + number);
          }
          byte[] v = java.util.Arrays.copyOfRange(b, pos[0], pos[0] + len);
          pos[0] += len;
          out.add(new Field(number, wire, 0, v));
        }
        default -> throw new IllegalArgumentException("wire type " + wire + " at " + pos[0]);
      }
    }
    return out;
  }

  private static long varint(byte[] b, int[] pos) {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos[0] >= b.length) {
        throw new IllegalArgumentException("truncated varint");
      }
      byte x = b[pos[0]++];
      v |= (long) (x & 0x7F) << shift;
      if ((x & 0x80) == 0) {
        return v;
      }
    }
    throw new IllegalArgumentException("varint too long");
  }
}
