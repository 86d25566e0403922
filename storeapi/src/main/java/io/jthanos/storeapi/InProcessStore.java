package io.jthanos.storeapi;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/**
 * Serves StoreAPI services over gRPC's in-process transport, for tests and for components that
 * query their own StoreAPI. Messages are serialized when sent, exactly as over the network: the
 * in-process transport would otherwise hand the server's message objects to the client, whose chunk
 * bytes may be views of buffers the server releases when the call ends.
 */
public final class InProcessStore implements AutoCloseable {
  private final String name;
  private final Server server;
  private final ManagedChannel channel;

  private InProcessStore(String name, Server server, ManagedChannel channel) {
    this.name = name;
    this.server = server;
    this.channel = channel;
  }

  /** Starts an in-process server with a unique name serving {@code services}. */
  public static InProcessStore start(BindableService... services) {
    String name = InProcessServerBuilder.generateName();
    InProcessServerBuilder b = InProcessServerBuilder.forName(name);
    for (BindableService s : services) {
      b.addService(
          ServerInterceptors.intercept(
              ServerInterceptors.useMarshalledMessages(s.bindService(), BYTES),
              Tenancy.serverInterceptor()));
    }
    Server server;
    try {
      server = b.build().start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ManagedChannel ch = InProcessChannelBuilder.forName(name).build();
    return new InProcessStore(name, server, ch);
  }

  public String name() {
    return name;
  }

  public ManagedChannel channel() {
    return channel;
  }

  /** A client over this server (closing it leaves the server running). */
  public StoreClient client() {
    return StoreClient.over(channel, "inprocess:" + name, StoreClientConfig.DEFAULT);
  }

  @Override
  public void close() {
    channel.shutdownNow();
    server.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Serializes eagerly: the wrapped service sees protobuf messages, the transport bytes. */
  private static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };
}
