package io.jthanos.proto.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class SnappyCodecTest {
  private static final byte[] STREAM_ID = {(byte) 0xff, 6, 0, 0, 's', 'N', 'a', 'P', 'p', 'Y'};

  /** The masked CRC-32C of the snappy framing format. */
  private static int maskedCrc(byte[] data) {
    CRC32C crc = new CRC32C();
    crc.update(data);
    int c = (int) crc.getValue();
    return ((c >>> 15) | (c << 17)) + 0xa282ead8;
  }

  @Test
  void decodesAHandBuiltFramedStream() throws Exception {
    byte[] payload = "thanos".getBytes(StandardCharsets.US_ASCII);
    ByteArrayOutputStream framed = new ByteArrayOutputStream();
    framed.writeBytes(STREAM_ID);
    // chunk type 0x01 (uncompressed), 3-byte little-endian length (4 crc + payload)
    int len = 4 + payload.length;
    framed.write(0x01);
    framed.write(len & 0xff);
    framed.write((len >> 8) & 0xff);
    framed.write((len >> 16) & 0xff);
    int crc = maskedCrc(payload);
    for (int i = 0; i < 4; i++) {
      framed.write((crc >>> (8 * i)) & 0xff);
    }
    framed.writeBytes(payload);

    try (InputStream in =
        new SnappyCodec().decompress(new ByteArrayInputStream(framed.toByteArray()))) {
      assertThat(in.readAllBytes()).isEqualTo(payload);
    }
  }

  @Test
  void writesTheFramingFormat() throws Exception {
    byte[] payload = "a".repeat(10_000).getBytes(StandardCharsets.US_ASCII);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    try (OutputStream out = new SnappyCodec().compress(sink)) {
      out.write(payload);
    }
    byte[] framed = sink.toByteArray();
    assertThat(framed).startsWith(STREAM_ID);
    // The next chunk is compressed data (type 0x00): 10k of 'a' shrinks a lot.
    assertThat(framed[STREAM_ID.length]).isEqualTo((byte) 0x00);
    assertThat(framed.length).isLessThan(1000);
    try (InputStream in = new SnappyCodec().decompress(new ByteArrayInputStream(framed))) {
      assertThat(in.readAllBytes()).isEqualTo(payload);
    }
  }

  @Test
  void registeredUnderThanosName() {
    assertThat(GrpcCompression.compressors().lookupCompressor("snappy")).isNotNull();
    assertThat(GrpcCompression.decompressors().lookupDecompressor("snappy")).isNotNull();
    assertThat(GrpcCompression.decompressors().getAdvertisedMessageEncodings())
        .contains("snappy", "gzip");
  }
}
