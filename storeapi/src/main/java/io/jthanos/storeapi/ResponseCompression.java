package io.jthanos.storeapi;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.jthanos.proto.grpc.SnappyCodec;

/**
 * Compresses responses with the encoding the request came in ({@code snappy} or {@code gzip}), as
 * Go gRPC servers (Thanos) do; grpc-java servers otherwise answer uncompressed. Install it on the
 * server with the compressor registry of {@code io.jthanos.proto.grpc.GrpcCompression}.
 */
public final class ResponseCompression implements ServerInterceptor {
  private static final Metadata.Key<String> ENCODING =
      Metadata.Key.of("grpc-encoding", Metadata.ASCII_STRING_MARSHALLER);

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String enc = headers.get(ENCODING);
    if (SnappyCodec.NAME.equals(enc) || "gzip".equals(enc)) {
      call.setCompression(enc);
    }
    return next.startCall(call, headers);
  }
}
