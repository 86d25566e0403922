package io.jthanos.storeapi;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.protobuf.ProtoUtils;
import java.io.IOException;
import java.io.InputStream;

/**
 * Parses each received message from one fresh array with protobuf aliasing on, so {@code bytes}
 * fields (chunk data) are views of that array rather than copies. The stock gRPC marshaller parses
 * from a reused thread-local buffer and must therefore copy every chunk.
 */
final class AliasingMarshaller<T extends Message> implements MethodDescriptor.Marshaller<T> {
  private final MethodDescriptor.Marshaller<T> writer;
  private final Parser<T> parser;

  @SuppressWarnings("unchecked")
  AliasingMarshaller(T defaultInstance) {
    this.writer = ProtoUtils.marshaller(defaultInstance);
    this.parser = (Parser<T>) defaultInstance.getParserForType();
  }

  @Override
  public InputStream stream(T value) {
    return writer.stream(value);
  }

  @Override
  public T parse(InputStream stream) {
    try {
      byte[] buf = stream.readAllBytes();
      CodedInputStream in = UnsafeByteOperations.unsafeWrap(buf).newCodedInput();
      in.enableAliasing(true);
      in.setSizeLimit(Integer.MAX_VALUE);
      return parser.parseFrom(in);
    } catch (InvalidProtocolBufferException e) {
      throw Status.INTERNAL
          .withDescription("invalid protobuf message: " + e.getMessage())
          .withCause(e)
          .asRuntimeException();
    } catch (IOException e) {
      throw Status.INTERNAL
          .withDescription("reading message: " + e.getMessage())
          .withCause(e)
          .asRuntimeException();
    }
  }
}
