package io.jthanos.storeapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.jthanos.proto.store.AggrChunk;
import io.jthanos.proto.store.Chunk;
import io.jthanos.proto.store.Series;
import io.jthanos.proto.store.SeriesBatch;
import io.jthanos.proto.store.SeriesResponse;
import io.jthanos.tsdb.labels.Labels;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Hand-encoded frames are byte-identical to protobuf-java's encoding of the same message. */
class SeriesFrameTest {

  private static ByteBuffer buffer(byte[] b, boolean direct, boolean readOnly) {
    ByteBuffer bb =
        direct ? ByteBuffer.allocateDirect(b.length + 3) : ByteBuffer.allocate(b.length + 3);
    bb.position(3);
    bb.put(b);
    bb.position(3);
    ByteBuffer slice = bb.slice();
    return readOnly ? slice.asReadOnlyBuffer() : slice;
  }

  @Test
  void randomFramesMatchProtobufJava() {
    Random rnd = new Random(3);
    byte[] scratch = new byte[64];
    for (int round = 0; round < 500; round++) {
      int n = 1 + rnd.nextInt(4);
      boolean batch = n > 1 || rnd.nextBoolean();
      List<SeriesFrame.FrameSeries> frames = new ArrayList<>();
      SeriesBatch.Builder pb = SeriesBatch.newBuilder();
      for (int s = 0; s < n; s++) {
        Labels l =
            Labels.of(
                "__name__", "m" + rnd.nextInt(3), "k\u00e9", "v".repeat(rnd.nextInt(200)) + "x");
        Series.Builder ps = Series.newBuilder().addAllLabels(StoreProtos.toProto(l));
        List<SeriesFrame.FrameChunk> chunks = new ArrayList<>();
        int nc = rnd.nextInt(4);
        for (int c = 0; c < nc; c++) {
          long min = rnd.nextInt(3) == 0 ? 0 : rnd.nextLong();
          long max = rnd.nextInt(3) == 0 ? 0 : rnd.nextLong();
          SeriesFrame.FrameChunk fc = new SeriesFrame.FrameChunk(min, max);
          AggrChunk.Builder pa = AggrChunk.newBuilder().setMinTime(min).setMaxTime(max);
          for (int m = 0; m < 6; m++) {
            if (rnd.nextInt(3) != 0) {
              continue;
            }
            byte[] data = new byte[rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(9000)];
            rnd.nextBytes(data);
            int type = rnd.nextInt(3);
            long hash = rnd.nextBoolean() ? 0 : rnd.nextLong();
            fc.members[m] =
                new SeriesFrame.Part(
                    type, buffer(data, rnd.nextBoolean(), rnd.nextBoolean()), hash);
            Chunk pc =
                Chunk.newBuilder()
                    .setTypeValue(type)
                    .setData(ByteString.copyFrom(data))
                    .setHash(hash)
                    .build();
            switch (m) {
              case 0 -> pa.setRaw(pc);
              case 1 -> pa.setCount(pc);
              case 2 -> pa.setSum(pc);
              case 3 -> pa.setMin(pc);
              case 4 -> pa.setMax(pc);
              default -> pa.setCounter(pc);
            }
          }
          chunks.add(fc);
          ps.addChunks(pa);
        }
        frames.add(new SeriesFrame.FrameSeries(SeriesFrame.labels(l), chunks));
        pb.addSeries(ps);
      }
      SeriesResponse want =
          batch
              ? SeriesResponse.newBuilder().setBatch(pb).build()
              : SeriesResponse.newBuilder().setSeries(pb.getSeries(0)).build();
      SeriesFrame f = new SeriesFrame(frames, batch, scratch);
      assertThat(f.available()).isEqualTo(want.getSerializedSize());
      assertThat(f.toByteArray()).as("round %d", round).isEqualTo(want.toByteArray());
    }
  }
}
