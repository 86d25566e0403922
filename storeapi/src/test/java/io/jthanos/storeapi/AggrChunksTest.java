package io.jthanos.storeapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.jthanos.tsdb.chunkenc.ChunkEncoding;
import io.jthanos.tsdb.storage.StorageException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class AggrChunksTest {

  @Test
  void splitsTheFiveEntriesAndSkipsAbsentOnes() {
    // count: len 2, XOR, 0xAA 0xBB; sum: absent; min: len 1, XOR, 0x01; max: absent; counter: len 3
    byte[] payload = {2, 1, (byte) 0xAA, (byte) 0xBB, 0, 1, 1, 0x01, 0, 3, 1, 7, 8, 9};
    ChunkBytes[] parts = AggrChunks.split(ByteBuffer.wrap(payload));
    assertThat(parts[0].data().toByteArray()).containsExactly(0xAA, 0xBB);
    assertThat(parts[0].encoding()).isEqualTo(ChunkEncoding.XOR);
    assertThat(parts[1]).isNull();
    assertThat(parts[2].data().toByteArray()).containsExactly(1);
    assertThat(parts[3]).isNull();
    assertThat(parts[4].data().toByteArray()).containsExactly(7, 8, 9);
  }

  @Test
  void encodeRoundTrips() {
    ChunkBytes a = ChunkBytes.of(ChunkEncoding.XOR, ByteString.copyFrom(new byte[300]));
    ChunkBytes b = ChunkBytes.of(ChunkEncoding.HISTOGRAM, ByteString.copyFromUtf8("h"));
    ByteString p = AggrChunks.encode(a, null, null, b, a);
    ChunkBytes[] parts = AggrChunks.split(p.asReadOnlyByteBuffer());
    assertThat(parts[0]).isEqualTo(a);
    assertThat(parts[3]).isEqualTo(b);
    assertThat(parts[4]).isEqualTo(a);
    assertThat(parts[1]).isNull();
  }

  @Test
  void truncatedOrUnknownPayloadsFailPrecisely() {
    assertThatThrownBy(() -> AggrChunks.split(ByteBuffer.wrap(new byte[] {5, 1, 1})))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("COUNT at offset 0: size 5 exceeds remaining 1 bytes");
    assertThatThrownBy(() -> AggrChunks.split(ByteBuffer.wrap(new byte[] {1, 9, 1})))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("unknown sub-chunk encoding 9");
    assertThatThrownBy(() -> AggrChunks.split(ByteBuffer.wrap(new byte[] {(byte) 0x80})))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("truncated size varint");
  }
}
