package io.jthanos.storeapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.grpc.StatusRuntimeException;
import io.jthanos.proto.hints.SeriesResponseHints;
import io.jthanos.proto.store.AggrChunk;
import io.jthanos.proto.store.Chunk;
import io.jthanos.proto.store.Series;
import io.jthanos.proto.store.SeriesBatch;
import io.jthanos.proto.store.SeriesResponse;
import io.jthanos.tsdb.labels.Labels;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The client's direct decoder agrees with protobuf-java on every frame kind. */
class FrameDecoderTest {
  private final FrameDecoder decoder = new FrameDecoder();

  private Object decode(SeriesResponse r) {
    return decoder.parse(new ByteArrayInputStream(r.toByteArray()));
  }

  private static Series randomSeries(Random rnd) {
    Series.Builder s =
        Series.newBuilder()
            .addAllLabels(
                StoreProtos.toProto(
                    Labels.of("__name__", "m", "i", Integer.toString(rnd.nextInt(1000)))));
    for (int c = 0; c < rnd.nextInt(5); c++) {
      byte[] data = new byte[rnd.nextInt(300)];
      rnd.nextBytes(data);
      Chunk ch =
          Chunk.newBuilder()
              .setTypeValue(rnd.nextInt(3))
              .setData(ByteString.copyFrom(data))
              .setHash(rnd.nextLong())
              .build();
      AggrChunk.Builder a =
          AggrChunk.newBuilder().setMinTime(rnd.nextLong()).setMaxTime(rnd.nextLong());
      if (rnd.nextBoolean()) {
        a.setRaw(ch);
      } else {
        a.setCount(ch).setCounter(ch);
      }
      s.addChunks(a);
    }
    // Unknown fields from a newer peer are skipped.
    s.setUnknownFields(
        UnknownFieldSet.newBuilder()
            .addField(
                15,
                UnknownFieldSet.Field.newBuilder()
                    .addVarint(7)
                    .addLengthDelimited(ByteString.copyFromUtf8("x"))
                    .build())
            .build());
    return s.build();
  }

  @Test
  void seriesAndBatchesDecodeAsProtobufJavaDoes() {
    Random rnd = new Random(11);
    for (int i = 0; i < 300; i++) {
      Series s = randomSeries(rnd);
      Object one = decode(SeriesResponse.newBuilder().setSeries(s).build());
      assertThat(one).isEqualTo(new FrameDecoder.SeriesPart(List.of(StoreProtos.series(s))));
      Series t = randomSeries(rnd);
      Object batch =
          decode(
              SeriesResponse.newBuilder()
                  .setBatch(SeriesBatch.newBuilder().addSeries(s).addSeries(t))
                  .build());
      assertThat(batch)
          .isEqualTo(
              new FrameDecoder.SeriesPart(List.of(StoreProtos.series(s), StoreProtos.series(t))));
    }
  }

  @Test
  void warningsHintsAndEmptyFrames() {
    assertThat(decode(SeriesResponse.newBuilder().setWarning("störe down").build()))
        .isEqualTo(new FrameDecoder.Warning("störe down"));
    Any hints = Any.pack(SeriesResponseHints.getDefaultInstance());
    assertThat(decode(SeriesResponse.newBuilder().setHints(hints).build()))
        .isEqualTo(new FrameDecoder.Hints(hints));
    assertThat(decode(SeriesResponse.getDefaultInstance())).isInstanceOf(FrameDecoder.Empty.class);
  }

  @Test
  void malformedFramesFailWithInternal() {
    byte[] good =
        SeriesResponse.newBuilder().setSeries(randomSeries(new Random(1))).build().toByteArray();
    byte[] cut = java.util.Arrays.copyOf(good, good.length - 3);
    assertThatThrownBy(() -> decoder.parse(new ByteArrayInputStream(cut)))
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("INTERNAL: invalid SeriesResponse");
    byte[] badEnc =
        SeriesResponse.newBuilder()
            .setSeries(
                Series.newBuilder()
                    .addChunks(AggrChunk.newBuilder().setRaw(Chunk.newBuilder().setTypeValue(9))))
            .build()
            .toByteArray();
    assertThatThrownBy(() -> decoder.parse(new ByteArrayInputStream(badEnc)))
        .hasMessageContaining("unknown chunk encoding 9");
  }
}
