package io.mcpai.app.serverless;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseCookie;
import org.springframework.http.server.reactive.AbstractServerHttpRequest;
import org.springframework.http.server.reactive.AbstractServerHttpResponse;
import org.springframework.http.server.reactive.SslInfo;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A WebFlux request and response over memory: what a trigger delivered goes in, the whole answer
 * comes out. This is how a function runs the web runner's own handler chain (filters, routes, error
 * handler) without a server, so both answer byte for byte alike.
 */
final class BufferedExchange {
  private BufferedExchange() {}

  static final class Request extends AbstractServerHttpRequest {
    private final byte[] body;

    Request(HttpCall call) {
      super(HttpMethod.valueOf(call.method()), uri(call), "", headers(call));
      this.body = call.body();
    }

    private static URI uri(HttpCall call) {
      String host = "localhost";
      for (Map.Entry<String, List<String>> h : call.headers().entrySet()) {
        if (h.getKey().equalsIgnoreCase("host") && !h.getValue().isEmpty()) {
          host = h.getValue().get(0);
        }
      }
      String path = call.path() == null || call.path().isEmpty() ? "/" : call.path();
      String query = call.query() == null || call.query().isEmpty() ? "" : "?" + call.query();
      // The triggers hand over the path as sent (percent-encoded): keep it so.
      return URI.create("http://" + host + path + query);
    }

    private static HttpHeaders headers(HttpCall call) {
      HttpHeaders h = new HttpHeaders();
      call.headers().forEach((k, v) -> h.addAll(k, v));
      return h;
    }

    @Override
    protected MultiValueMap<String, HttpCookie> initCookies() {
      MultiValueMap<String, HttpCookie> cookies = new LinkedMultiValueMap<>();
      for (String header : getHeaders().getOrEmpty(HttpHeaders.COOKIE)) {
        for (String pair : header.split(";")) {
          int eq = pair.indexOf('=');
          if (eq > 0) {
            String name = pair.substring(0, eq).trim();
            cookies.add(name, new HttpCookie(name, pair.substring(eq + 1).trim()));
          }
        }
      }
      return cookies;
    }

    @Override
    protected SslInfo initSslInfo() {
      return null;
    }

    /**
     * The caller as the platform's front end saw it: the last {@code x-forwarded-for} hop (Function
     * URLs, API Gateway, Cloud Functions and Azure Functions append the address they received the
     * request from; earlier entries are whatever the caller sent). Loopback when absent.
     */
    @Override
    public InetSocketAddress getRemoteAddress() {
      String forwarded = getHeaders().getFirst("x-forwarded-for");
      if (forwarded != null && !forwarded.isBlank()) {
        String[] hops = forwarded.split(",");
        String last = hops[hops.length - 1].trim();
        // Only IP literals: InetAddress would otherwise resolve a name through DNS.
        if (last.matches("[0-9.]+|[0-9a-fA-F:]+")) {
          try {
            return new InetSocketAddress(InetAddress.getByName(last), 0);
          } catch (UnknownHostException notAnAddress) {
            // fall through to loopback
          }
        }
      }
      return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    @Override
    public Flux<DataBuffer> getBody() {
      return body.length == 0
          ? Flux.empty()
          : Flux.defer(() -> Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(body)));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getNativeRequest() {
      return (T) this;
    }
  }

  static final class Response extends AbstractServerHttpResponse {
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    Response() {
      super(DefaultDataBufferFactory.sharedInstance);
    }

    @Override
    protected Mono<Void> writeWithInternal(Publisher<? extends DataBuffer> chunks) {
      return Flux.from(chunks).doOnNext(this::append).then();
    }

    @Override
    protected Mono<Void> writeAndFlushWithInternal(
        Publisher<? extends Publisher<? extends DataBuffer>> chunks) {
      // A stream (server-sent events) is buffered whole: the triggers answer once.
      return Flux.from(chunks).concatMap(this::writeWithInternal).then();
    }

    private synchronized void append(DataBuffer buffer) {
      try {
        byte[] bytes = new byte[buffer.readableByteCount()];
        buffer.read(bytes);
        body.writeBytes(bytes);
      } finally {
        DataBufferUtils.release(buffer);
      }
    }

    @Override
    protected void applyStatusCode() {}

    @Override
    protected void applyHeaders() {}

    @Override
    protected void applyCookies() {}

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getNativeResponse() {
      return (T) this;
    }

    synchronized HttpReply reply() {
      Map<String, List<String>> headers = new LinkedHashMap<>();
      getHeaders()
          .forEach(
              (k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(new ArrayList<>(v))));
      List<String> cookies = new ArrayList<>();
      for (List<ResponseCookie> cs : getCookies().values()) {
        cs.forEach(c -> cookies.add(c.toString()));
      }
      if (!cookies.isEmpty()) {
        headers.put("set-cookie", List.copyOf(cookies));
      }
      int status = getStatusCode() == null ? 200 : getStatusCode().value();
      return new HttpReply(status, headers, body.toByteArray());
    }
  }
}
