package io.mcpai.app;

import io.netty.channel.Channel;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.web.embedded.netty.NettyServerCustomizer;
import org.springframework.stereotype.Component;
import reactor.netty.Connection;
import reactor.netty.ConnectionObserver;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;

/**
 * Keeps kept-alive HTTP/1.1 connections reading after each exchange ends.
 *
 * <p>Reactor Netty 1.2.18 (the version Spring Boot 3.5.16 brings) reads a connection on demand and
 * holds back a request that arrives while the previous exchange is still finishing (a client that
 * sends its next request as soon as it has the last byte of an answer that completed on another
 * thread: a provider call, a stream). When that held-back request is then answered at once (a
 * health check, a session read, a 404, a bad body), its trailing content is drained by a second
 * pass that no longer asks for the next read, so the connection stops reading and the client's next
 * request on it is never answered (reactor-netty issues 4347 and 4361, fixed after 1.2.18).
 *
 * <p>The guard: when an exchange ends, after the tasks that ending scheduled on the connection's
 * event loop, ask for a read if the connection is open and no exchange is in progress. That is the
 * read the server itself would have asked for; an extra one is harmless (a read already pending is
 * not doubled, and a request read early is queued by the server as pipelined). Remove it once the
 * Reactor Netty in use has the upstream fix.
 */
@Component
// The cloud function packages leave Reactor Netty out: no web server there, nothing to guard.
@ConditionalOnClass(name = "reactor.netty.http.server.HttpServer")
class KeepAliveReads implements NettyServerCustomizer {

  @Override
  public HttpServer apply(HttpServer server) {
    return server.childObserve(
        (connection, state) -> {
          if (state == ConnectionObserver.State.DISCONNECTING) {
            Channel channel = connection.channel();
            // Queued behind what the ending exchange scheduled (the server's drain of held-back
            // requests), so this sees the state after it.
            channel.eventLoop().execute(() -> resume(channel));
          }
        });
  }

  static void resume(Channel channel) {
    if (channel.isActive()
        && channel.pipeline().get(NettyPipeline.HttpTrafficHandler) != null
        && !(Connection.from(channel) instanceof HttpServerRequest)) {
      channel.read();
    }
  }
}
