package io.mcpai.inference.server;

import io.mcpai.core.tracing.Tracing;
import io.mcpai.inference.generate.InferenceMetrics;
import io.mcpai.inference.generate.Scheduler;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import java.net.InetSocketAddress;

/** The HTTP server (Netty): routes to {@link InferenceHandler}; one handler per connection. */
public final class EndpointServer implements AutoCloseable {
  /** Bodies beyond this get 413 from the aggregator before any parsing. */
  static final int MAX_BODY_BYTES = 8 << 20;

  private final EventLoopGroup boss = new NioEventLoopGroup(1);
  private final EventLoopGroup workers = new NioEventLoopGroup(2);
  private final Channel channel;

  public EndpointServer(
      String host, int port, Scheduler scheduler, InferenceMetrics metrics, String modelName)
      throws InterruptedException {
    this(host, port, scheduler, metrics, modelName, Tracing.OFF);
  }

  public EndpointServer(
      String host,
      int port,
      Scheduler scheduler,
      InferenceMetrics metrics,
      String modelName,
      Tracing tracing)
      throws InterruptedException {
    ChatPrompt chat = new ChatPrompt(scheduler.tokenizer());
    ServerBootstrap b =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpServerExpectContinueHandler())
                        .addLast(new HttpObjectAggregator(MAX_BODY_BYTES))
                        .addLast(
                            new InferenceHandler(scheduler, metrics, modelName, chat, tracing));
                  }
                });
    channel = b.bind(host, port).sync().channel();
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    boss.shutdownGracefully();
    workers.shutdownGracefully();
  }
}
