package io.jthanos.server;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * The Netty event loops of a process, shared by its HTTP and gRPC servers (one acceptor thread and
 * a worker pool sized to the CPUs). Closed last, after the servers.
 */
public final class EventLoops implements AutoCloseable {
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;

  public EventLoops() {
    this(Math.max(2, Runtime.getRuntime().availableProcessors()));
  }

  public EventLoops(int workerThreads) {
    this.boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    this.workers = new MultiThreadIoEventLoopGroup(workerThreads, NioIoHandler.newFactory());
  }

  public EventLoopGroup boss() {
    return boss;
  }

  public EventLoopGroup workers() {
    return workers;
  }

  public Class<NioServerSocketChannel> serverChannelType() {
    return NioServerSocketChannel.class;
  }

  public Class<NioSocketChannel> clientChannelType() {
    return NioSocketChannel.class;
  }

  @Override
  public void close() {
    boss.shutdownGracefully(0, 5, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 5, TimeUnit.SECONDS);
    boss.terminationFuture().awaitUninterruptibly(10, TimeUnit.SECONDS);
    workers.terminationFuture().awaitUninterruptibly(10, TimeUnit.SECONDS);
  }
}
