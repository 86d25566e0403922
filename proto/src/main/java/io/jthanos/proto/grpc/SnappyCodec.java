package io.jthanos.proto.grpc;

import io.grpc.Codec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.xerial.snappy.SnappyFramedInputStream;
import org.xerial.snappy.SnappyFramedOutputStream;

/**
 * The gRPC message compressor Thanos registers as {@code snappy}: the snappy <em>framing</em>
 * (stream) format, as Go's {@code snappy.NewBufferedWriter}/{@code snappy.NewReader} write and read
 * it, not raw block snappy. Peers pick it with the {@code grpc-encoding: snappy} header (querier
 * {@code --grpc-compression=snappy}, receivers replicate with it by default).
 *
 * <p>It lives in the proto module, next to the messages it carries, because both sides need it: the
 * gRPC server of every component (common-server) and every StoreAPI client (querier, ruler,
 * receiver replication). Register it through {@link GrpcCompression}.
 */
public final class SnappyCodec implements Codec {
  /** The {@code grpc-encoding} name Thanos uses. */
  public static final String NAME = "snappy";

  @Override
  public String getMessageEncoding() {
    return NAME;
  }

  @Override
  public OutputStream compress(OutputStream os) throws IOException {
    return new SnappyFramedOutputStream(os);
  }

  @Override
  public InputStream decompress(InputStream is) throws IOException {
    return new SnappyFramedInputStream(is, true);
  }
}
