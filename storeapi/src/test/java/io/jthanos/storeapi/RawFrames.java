package io.jthanos.storeapi;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.jthanos.proto.store.SeriesRequest;
import io.jthanos.proto.store.SeriesResponse;
import io.jthanos.proto.store.StoreGrpc;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Reads Series answers as the raw bytes of each frame, exactly as they crossed the wire. */
final class RawFrames {
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

  private RawFrames() {}

  static List<byte[]> series(Channel ch, SeriesRequest req) {
    MethodDescriptor<SeriesRequest, byte[]> m =
        StoreGrpc.getSeriesMethod().toBuilder(
                ProtoUtils.marshaller(SeriesRequest.getDefaultInstance()), BYTES)
            .build();
    List<byte[]> out = new ArrayList<>();
    Iterator<byte[]> it = ClientCalls.blockingServerStreamingCall(ch, m, CallOptions.DEFAULT, req);
    it.forEachRemaining(out::add);
    return out;
  }

  static List<SeriesResponse> parsed(Channel ch, SeriesRequest req) {
    List<SeriesResponse> out = new ArrayList<>();
    for (byte[] b : series(ch, req)) {
      try {
        out.add(SeriesResponse.parseFrom(b));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }
}
