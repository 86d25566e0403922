package io.jthanos.proto.grpc;

import io.grpc.Codec;
import io.grpc.CompressorRegistry;
import io.grpc.DecompressorRegistry;

/**
 * Compressor and decompressor registries with gRPC's defaults (identity, gzip) plus Thanos' {@code
 * snappy}. Servers and channels should use these so that a Thanos peer asking for snappy is
 * understood.
 */
public final class GrpcCompression {
  private static final SnappyCodec SNAPPY = new SnappyCodec();
  private static final CompressorRegistry COMPRESSORS = newCompressorRegistry();
  private static final DecompressorRegistry DECOMPRESSORS =
      DecompressorRegistry.getDefaultInstance().with(SNAPPY, true);

  private GrpcCompression() {}

  private static CompressorRegistry newCompressorRegistry() {
    CompressorRegistry r = CompressorRegistry.newEmptyInstance();
    r.register(Codec.Identity.NONE);
    r.register(new Codec.Gzip());
    r.register(SNAPPY);
    return r;
  }

  /**
   * identity, gzip and snappy, for {@code ServerBuilder/ManagedChannelBuilder.compressorRegistry}.
   */
  public static CompressorRegistry compressors() {
    return COMPRESSORS;
  }

  /** identity, gzip and snappy (all advertised), for {@code decompressorRegistry}. */
  public static DecompressorRegistry decompressors() {
    return DECOMPRESSORS;
  }

  /** The snappy codec itself. */
  public static SnappyCodec snappy() {
    return SNAPPY;
  }
}
