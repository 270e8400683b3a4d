package io.mcpai.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * A zero-latency LMI upstream for {@link GatewayLoadHarness}: a minimal Netty HTTP/1.1 server on
 * one event-loop thread that answers every request with the same canned LMI JSON, keep-alive, at
 * once. It runs as its own process so its CPU time is measured apart from the gateway's and the
 * load generator's. Prints {@code port N} when it listens on 127.0.0.1.
 *
 * <pre>
 * java -cp tests/target/benchmarks.jar io.mcpai.bench.GatewayUpstream [port]
 * </pre>
 */
public final class GatewayUpstream {
  static final byte[] CANNED =
      ("{\"generated_text\":\" Paris.\",\"details\":{\"finish_reason\":\"eos_token\","
              + "\"generated_tokens\":3}}")
          .getBytes(StandardCharsets.UTF_8);

  /** Starts this server as a child process of the current JVM's class path, on a free port. */
  static Process startProcess() throws java.io.IOException {
    return new ProcessBuilder(
            java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx64m",
            "-XX:+UseSerialGC",
            "-cp",
            System.getProperty("java.class.path"),
            GatewayUpstream.class.getName())
        .redirectErrorStream(true)
        .start();
  }

  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    EventLoopGroup group = new NioEventLoopGroup(1);
    ByteBuf canned = Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(CANNED));
    Channel ch =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 4096)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel c) {
                    c.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(1 << 20))
                        .addLast(
                            new SimpleChannelInboundHandler<FullHttpRequest>() {
                              @Override
                              protected void channelRead0(
                                  ChannelHandlerContext ctx, FullHttpRequest req) {
                                FullHttpResponse r =
                                    new DefaultFullHttpResponse(
                                        HttpVersion.HTTP_1_1,
                                        HttpResponseStatus.OK,
                                        canned.duplicate());
                                r.headers()
                                    .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                                    .setInt(HttpHeaderNames.CONTENT_LENGTH, CANNED.length);
                                ctx.writeAndFlush(r);
                              }
                            });
                  }
                })
            .bind("127.0.0.1", port)
            .sync()
            .channel();
    System.out.println("port " + ((java.net.InetSocketAddress) ch.localAddress()).getPort());
    System.out.flush();
    // Lives until the harness destroys it, or its stdin closes (the harness died).
    Thread t =
        new Thread(
            () -> {
              try {
                while (System.in.read() >= 0) {
                  // ignore
                }
              } catch (java.io.IOException ignored) {
                // parent gone
              }
              System.exit(0);
            });
    t.setDaemon(true);
    t.start();
    ch.closeFuture().sync();
  }

  private GatewayUpstream() {}
}
