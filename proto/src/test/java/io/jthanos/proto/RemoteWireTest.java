package io.jthanos.proto;

import static io.jthanos.proto.Golden.decode;
import static io.jthanos.proto.Wire.hex;
import static io.jthanos.proto.Wire.msg;
import static org.assertj.core.api.Assertions.assertThat;

import io.jthanos.proto.prometheus.BucketSpan;
import io.jthanos.proto.prometheus.Chunk;
import io.jthanos.proto.prometheus.ChunkedReadResponse;
import io.jthanos.proto.prometheus.Histogram;
import io.jthanos.proto.prometheus.MetricMetadata;
import io.jthanos.proto.prometheus.ReadRequest;
import io.jthanos.proto.prometheus.ReadResponse;
import io.jthanos.proto.prometheus.Sample;
import io.jthanos.proto.prometheus.WriteRequest;
import org.junit.jupiter.api.Test;

/**
 * Prometheus remote read/write (package {@code prometheus}, prometheus-formats sections 9-10) and
 * Thanos' byte-identical copy (package {@code prometheus_copy}): the same bytes decode in both.
 */
class RemoteWireTest {

  @Test
  void sampleByHand() {
    // value 1.0 (fixed64 LE 3ff0000000000000), timestamp 1000 (varint e8 07)
    byte[] golden = hex("09 00 00 00 00 00 00 f0 3f 10 e8 07");
    Sample s = decode(golden, Sample.parser());
    assertThat(s.getValue()).isEqualTo(1.0);
    assertThat(s.getTimestamp()).isEqualTo(1000);
    assertThat(decode(golden, io.jthanos.proto.promcopy.Sample.parser()).getTimestamp())
        .isEqualTo(1000);
  }

  @Test
  void staleNaNSurvivesBitExactly() {
    long staleNaN = 0x7ff0000000000002L;
    byte[] golden = hex("09 02 00 00 00 00 00 f0 7f");
    Sample s = decode(golden, Sample.parser());
    assertThat(Double.doubleToRawLongBits(s.getValue())).isEqualTo(staleNaN);
  }

  @Test
  void writeRequestWithMetadataExemplarsAndHistograms() {
    byte[] histogram =
        msg()
            .varint(1, 10) // count_int
            .dbl(3, 12.5) // sum
            .sint(4, -2) // schema (sint32)
            .dbl(5, 0.001) // zero_threshold
            .varint(6, 1) // zero_count_int
            .msg(8, msg().sint(1, -3).varint(2, 2)) // negative span
            .packedSint(9, 1, -1) // negative deltas
            .msg(11, msg().varint(2, 1)) // offset 0 is the default and not written
            .packedSint(12, 3)
            .varint(14, 2) // reset hint NO
            .varint(15, 5000)
            .bytes();
    byte[] floatHistogram =
        msg()
            .dbl(2, 3.0) // count_float
            .dbl(7, 0.5) // zero_count_float
            .packedDouble(10, 1.5)
            .packedDouble(13, 2.5, 0.5)
            .varint(14, 3)
            .packedDouble(16, 0.1, 1.0)
            .bytes();
    byte[] ts =
        msg()
            .msg(1, msg().str(1, "__name__").str(2, "req"))
            .msg(2, msg().dbl(1, 2.0).varint(2, 1000))
            .msg(3, msg().msg(1, msg().str(1, "trace_id").str(2, "abc")).dbl(2, 1.0).varint(3, 999))
            .bytes(4, histogram)
            .bytes(4, floatHistogram)
            .bytes();
    byte[] golden =
        msg()
            .bytes(1, ts)
            .msg(3, msg().varint(1, 3).str(2, "req").str(4, "Requests.").str(5, "seconds"))
            .bytes();

    WriteRequest w = decode(golden, WriteRequest.parser());
    assertThat(w.getTimeseries(0).getLabels(0).getName()).isEqualTo("__name__");
    assertThat(w.getTimeseries(0).getSamples(0).getValue()).isEqualTo(2.0);
    assertThat(w.getTimeseries(0).getExemplars(0).getLabels(0).getValue()).isEqualTo("abc");
    assertThat(w.getTimeseries(0).getExemplars(0).getTimestamp()).isEqualTo(999);
    Histogram h = w.getTimeseries(0).getHistograms(0);
    assertThat(h.getCountCase()).isEqualTo(Histogram.CountCase.COUNT_INT);
    assertThat(h.getCountInt()).isEqualTo(10);
    assertThat(h.getSum()).isEqualTo(12.5);
    assertThat(h.getSchema()).isEqualTo(-2);
    assertThat(h.getZeroCountInt()).isEqualTo(1);
    assertThat(h.getNegativeSpans(0).getOffset()).isEqualTo(-3);
    assertThat(h.getNegativeSpans(0).getLength()).isEqualTo(2);
    assertThat(h.getNegativeDeltasList()).containsExactly(1L, -1L);
    assertThat(h.getPositiveDeltasList()).containsExactly(3L);
    assertThat(h.getResetHint()).isEqualTo(Histogram.ResetHint.NO);
    assertThat(h.getTimestamp()).isEqualTo(5000);
    Histogram f = w.getTimeseries(0).getHistograms(1);
    assertThat(f.getCountFloat()).isEqualTo(3.0);
    assertThat(f.getZeroCountFloat()).isEqualTo(0.5);
    assertThat(f.getNegativeCountsList()).containsExactly(1.5);
    assertThat(f.getPositiveCountsList()).containsExactly(2.5, 0.5);
    assertThat(f.getResetHint()).isEqualTo(Histogram.ResetHint.GAUGE);
    assertThat(f.getCustomValuesList()).containsExactly(0.1, 1.0);
    MetricMetadata md = w.getMetadata(0);
    assertThat(md.getType()).isEqualTo(MetricMetadata.MetricType.HISTOGRAM);
    assertThat(md.getMetricFamilyName()).isEqualTo("req");
    assertThat(md.getHelp()).isEqualTo("Requests.");
    assertThat(md.getUnit()).isEqualTo("seconds");

    io.jthanos.proto.promcopy.WriteRequest copy =
        decode(golden, io.jthanos.proto.promcopy.WriteRequest.parser());
    assertThat(copy.getTimeseries(0).getHistograms(1).getCustomValuesCount()).isEqualTo(2);
  }

  @Test
  void bucketSpanByHand() {
    // offset -2 zig-zags to 3; length 3
    BucketSpan s = decode(hex("08 03 10 03"), BucketSpan.parser());
    assertThat(s.getOffset()).isEqualTo(-2);
    assertThat(s.getLength()).isEqualTo(3);
  }

  @Test
  void readRequest() {
    byte[] golden =
        msg()
            .msg(
                1,
                msg()
                    .varint(1, 1000)
                    .varint(2, 2000)
                    .msg(3, msg().varint(1, 2).str(2, "job").str(3, "n.*"))
                    .msg(
                        4,
                        msg()
                            .varint(1, 15000)
                            .str(2, "rate")
                            .varint(3, 1000)
                            .varint(4, 2000)
                            .str(5, "job")
                            .varint(6, 1)
                            .varint(7, 300000)))
            .packed(2, 1, 0) // STREAMED_XOR_CHUNKS, SAMPLES
            .bytes();
    ReadRequest r = decode(golden, ReadRequest.parser());
    assertThat(r.getQueries(0).getStartTimestampMs()).isEqualTo(1000);
    assertThat(r.getQueries(0).getEndTimestampMs()).isEqualTo(2000);
    assertThat(r.getQueries(0).getMatchers(0).getValue()).isEqualTo("n.*");
    assertThat(r.getQueries(0).getHints().getFunc()).isEqualTo("rate");
    assertThat(r.getQueries(0).getHints().getGroupingList()).containsExactly("job");
    assertThat(r.getQueries(0).getHints().getBy()).isTrue();
    assertThat(r.getQueries(0).getHints().getRangeMs()).isEqualTo(300000);
    assertThat(r.getAcceptedResponseTypesList())
        .containsExactly(
            ReadRequest.ResponseType.STREAMED_XOR_CHUNKS, ReadRequest.ResponseType.SAMPLES);
    assertThat(decode(golden, io.jthanos.proto.promcopy.ReadRequest.parser()).getQueriesCount())
        .isEqualTo(1);
  }

  @Test
  void readResponses() throws Exception {
    byte[] samples =
        msg()
            .msg(
                1,
                msg()
                    .msg(
                        1,
                        msg()
                            .msg(1, msg().str(1, "a").str(2, "b"))
                            .msg(2, msg().dbl(1, 0.5).varint(2, 10))))
            .msg(1, msg())
            .bytes();
    ReadResponse rr = decode(samples, ReadResponse.parser());
    assertThat(rr.getResultsCount()).isEqualTo(2);
    assertThat(rr.getResults(0).getTimeseries(0).getSamples(0).getValue()).isEqualTo(0.5);

    byte[] chunked =
        msg()
            .msg(
                1,
                msg()
                    .msg(1, msg().str(1, "a").str(2, "b"))
                    .msg(2, msg().varint(1, 1).varint(2, 9).varint(3, 1).bytes(4, hex("00 01")))
                    .msg(2, msg().varint(1, 10).varint(2, 20).varint(3, 6)))
            .varint(2, 3)
            .bytes();
    ChunkedReadResponse c = decode(chunked, ChunkedReadResponse.parser());
    assertThat(c.getQueryIndex()).isEqualTo(3);
    assertThat(c.getChunkedSeries(0).getChunks(0).getType()).isEqualTo(Chunk.Encoding.XOR);
    assertThat(c.getChunkedSeries(0).getChunks(1).getType())
        .isEqualTo(Chunk.Encoding.FLOAT_HISTOGRAM_ST);
    assertThat(c.getChunkedSeries(0).getChunks(0).getMaxTimeMs()).isEqualTo(9);
    io.jthanos.proto.promcopy.ChunkedReadResponse copy =
        io.jthanos.proto.promcopy.ChunkedReadResponse.parser().parseFrom(hex("0a 04 12 02 18 03"));
    assertThat(copy.getChunkedSeries(0).getChunks(0).getType())
        .isEqualTo(io.jthanos.proto.promcopy.Chunk.Encoding.FLOAT_HISTOGRAM);
  }

  @Test
  void chunkEncodingsAreNumberedAsPrometheus() {
    for (String[] e :
        new String[][] {
          {"08 01", "XOR"},
          {"08 02", "HISTOGRAM"},
          {"08 03", "FLOAT_HISTOGRAM"},
          {"08 04", "XOR2"},
          {"08 05", "HISTOGRAM_ST"}
        }) {
      // Chunk.type is field 3: key 0x18.
      byte[] golden = hex("18" + e[0].substring(2));
      assertThat(decode(golden, Chunk.parser()).getType().name()).isEqualTo(e[1]);
    }
  }
}
