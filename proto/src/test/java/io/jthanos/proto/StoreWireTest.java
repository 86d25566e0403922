package io.jthanos.proto;

import static io.jthanos.proto.Golden.decode;
import static io.jthanos.proto.Wire.hex;
import static io.jthanos.proto.Wire.msg;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import io.jthanos.proto.hints.SeriesRequestHints;
import io.jthanos.proto.labels.Label;
import io.jthanos.proto.labels.LabelSet;
import io.jthanos.proto.labels.SymTableLabel;
import io.jthanos.proto.labels.SymbolTable;
import io.jthanos.proto.labels.ZLabelSet;
import io.jthanos.proto.promcopy.TimeSeries;
import io.jthanos.proto.store.Aggr;
import io.jthanos.proto.store.AggrChunk;
import io.jthanos.proto.store.Chunk;
import io.jthanos.proto.store.LabelMatcher;
import io.jthanos.proto.store.LabelNamesRequest;
import io.jthanos.proto.store.LabelNamesResponse;
import io.jthanos.proto.store.LabelValuesRequest;
import io.jthanos.proto.store.LabelValuesResponse;
import io.jthanos.proto.store.PartialResponseStrategy;
import io.jthanos.proto.store.QueryHints;
import io.jthanos.proto.store.Series;
import io.jthanos.proto.store.SeriesRequest;
import io.jthanos.proto.store.SeriesResponse;
import io.jthanos.proto.store.ShardInfo;
import io.jthanos.proto.store.StoreGrpc;
import io.jthanos.proto.store.WriteRequest;
import io.jthanos.proto.store.WriteResponse;
import io.jthanos.proto.store.WriteableStoreGrpc;
import org.junit.jupiter.api.Test;

/** thanos.Store, thanos.WriteableStore and the label/chunk types (spec section 1.2, 1.3). */
class StoreWireTest {

  @Test
  void label() {
    // field 1 "a", field 2 "b"
    Label l = decode(hex("0a 01 61 12 01 62"), Label.parser());
    assertThat(l.getName()).isEqualTo("a");
    assertThat(l.getValue()).isEqualTo("b");
  }

  @Test
  void labelSets() {
    byte[] label = hex("0a 01 61 12 01 62");
    byte[] set = msg().bytes(1, label).bytes(1, hex("0a 01 63")).bytes();
    LabelSet ls = decode(set, LabelSet.parser());
    ZLabelSet zls = decode(set, ZLabelSet.parser());
    assertThat(ls.getLabelsList()).extracting(Label::getName).containsExactly("a", "c");
    assertThat(zls.getLabels(1).getValue()).isEmpty();
  }

  @Test
  void symbolTable() {
    // offsets packed [3, 6] (field 1), table "foobar" (field 2)
    SymbolTable t = decode(hex("0a 02 03 06 12 06 66 6f 6f 62 61 72"), SymbolTable.parser());
    assertThat(t.getOffsetsList()).containsExactly(3, 6);
    assertThat(t.getTable().toStringUtf8()).isEqualTo("foobar");
    SymTableLabel s = decode(hex("08 01 10 02"), SymTableLabel.parser());
    assertThat(s.getNameRef()).isEqualTo(1);
    assertThat(s.getValueRef()).isEqualTo(2);
  }

  @Test
  void labelMatcher() {
    // type=RE(2), name "job", value "p.*"
    LabelMatcher m = decode(hex("08 02 12 03 6a 6f 62 1a 03 70 2e 2a"), LabelMatcher.parser());
    assertThat(m.getType()).isEqualTo(LabelMatcher.Type.RE);
    assertThat(m.getName()).isEqualTo("job");
    assertThat(m.getValue()).isEqualTo("p.*");
    assertThat(decode(hex("08 03"), LabelMatcher.parser()).getType())
        .isEqualTo(LabelMatcher.Type.NRE);
    assertThat(decode(hex("08 01"), LabelMatcher.parser()).getType())
        .isEqualTo(LabelMatcher.Type.NEQ);
  }

  @Test
  void chunk() {
    // type=HISTOGRAM(1), data 01 02, hash 5
    Chunk c = decode(hex("08 01 12 02 01 02 18 05"), Chunk.parser());
    assertThat(c.getType()).isEqualTo(Chunk.Encoding.HISTOGRAM);
    assertThat(c.getData().toByteArray()).containsExactly(1, 2);
    assertThat(c.getHash()).isEqualTo(5);
    // FLOAT_HISTOGRAM is 2; XOR is 0 and therefore not written.
    assertThat(decode(hex("08 02"), Chunk.parser()).getType())
        .isEqualTo(Chunk.Encoding.FLOAT_HISTOGRAM);
    // hash is uint64: the top bit set takes ten varint bytes.
    Chunk big = decode(hex("18 ff ff ff ff ff ff ff ff ff 01"), Chunk.parser());
    assertThat(big.getHash()).isEqualTo(-1L);
  }

  @Test
  void seriesWithAggrChunks() {
    byte[] raw = msg().bytes(2, hex("aa")).bytes();
    byte[] aggr =
        msg()
            .varint(1, 1000)
            .varint(2, 2000)
            .msg(3, msg().bytes(2, hex("aa")))
            .msg(4, msg().bytes(2, hex("01")))
            .msg(5, msg().bytes(2, hex("02")))
            .msg(6, msg().bytes(2, hex("03")))
            .msg(7, msg().bytes(2, hex("04")))
            .msg(8, msg().bytes(2, hex("05")))
            .bytes();
    byte[] series =
        msg()
            .msg(1, msg().str(1, "__name__").str(2, "up"))
            .msg(1, msg().str(1, "job").str(2, "node"))
            .bytes(2, aggr)
            .bytes();
    Series s = decode(series, Series.parser());
    assertThat(s.getLabelsList()).extracting(Label::getName).containsExactly("__name__", "job");
    AggrChunk c = s.getChunks(0);
    assertThat(c.getMinTime()).isEqualTo(1000);
    assertThat(c.getMaxTime()).isEqualTo(2000);
    assertThat(c.getRaw().toByteArray()).isEqualTo(raw);
    assertThat(c.getCount().getData().byteAt(0)).isEqualTo((byte) 1);
    assertThat(c.getSum().getData().byteAt(0)).isEqualTo((byte) 2);
    assertThat(c.getMin().getData().byteAt(0)).isEqualTo((byte) 3);
    assertThat(c.getMax().getData().byteAt(0)).isEqualTo((byte) 4);
    assertThat(c.getCounter().getData().byteAt(0)).isEqualTo((byte) 5);
  }

  @Test
  void seriesRequestByHand() {
    byte[] golden =
        hex(
            "08 01" // min_time 1
                + "10 02" // max_time 2
                + "1a 0e 12 08 5f 5f 6e 61 6d 65 5f 5f 1a 02 75 70" // matcher EQ __name__="up"
                + "40 01" // skip_chunks (field 8)
                + "72 07 72 65 70 6c 69 63 61" // without_replica_labels "replica" (field 14)
                + "78 0a" // limit 10 (field 15)
                + "80 01 40"); // response_batch_size 64 (field 16: key 128 = 80 01)
    SeriesRequest r = decode(golden, SeriesRequest.parser());
    assertThat(r.getMinTime()).isEqualTo(1);
    assertThat(r.getMaxTime()).isEqualTo(2);
    assertThat(r.getMatchers(0).getType()).isEqualTo(LabelMatcher.Type.EQ);
    assertThat(r.getMatchers(0).getName()).isEqualTo("__name__");
    assertThat(r.getMatchers(0).getValue()).isEqualTo("up");
    assertThat(r.getSkipChunks()).isTrue();
    assertThat(r.getWithoutReplicaLabelsList()).containsExactly("replica");
    assertThat(r.getLimit()).isEqualTo(10);
    assertThat(r.getResponseBatchSize()).isEqualTo(64);
  }

  @Test
  void seriesRequestAllFields() {
    byte[] hintsAny =
        msg()
            .str(1, "type.googleapis.com/hintspb.SeriesRequestHints")
            .msg(2, msg().msg(1, msg().str(2, "ext").str(3, "x")).varint(2, 1))
            .bytes();
    byte[] golden =
        msg()
            .varint(1, -1L) // negative int64: ten bytes
            .varint(2, Long.MAX_VALUE)
            .msg(3, msg().varint(1, 3).str(2, "a").str(3, "b"))
            .varint(4, 300_000)
            .packed(5, 1, 2, 5) // aggregates COUNT, SUM, COUNTER
            .varint(6, 1)
            .varint(7, 1) // ABORT
            .bytes(9, hintsAny)
            .varint(10, 15_000)
            .varint(11, 60_000)
            .msg(
                12,
                msg()
                    .varint(1, 30_000)
                    .msg(2, msg().str(1, "rate"))
                    .msg(4, msg().varint(1, 1).str(3, "job"))
                    .msg(5, msg().varint(1, 300_000))
                    .str(6, "pod")
                    .varint(7, 1)
                    .str(8, "__cf_series_hash__"))
            .msg(13, msg().varint(1, 1).varint(2, 4).varint(3, 1).str(4, "job"))
            .bytes();
    SeriesRequest r = decode(golden, SeriesRequest.parser());
    assertThat(r.getMinTime()).isEqualTo(-1);
    assertThat(r.getMaxTime()).isEqualTo(Long.MAX_VALUE);
    assertThat(r.getMatchers(0).getType()).isEqualTo(LabelMatcher.Type.NRE);
    assertThat(r.getMaxResolutionWindow()).isEqualTo(300_000);
    assertThat(r.getAggregatesList()).containsExactly(Aggr.COUNT, Aggr.SUM, Aggr.COUNTER);
    assertThat(r.getPartialResponseDisabled()).isTrue();
    assertThat(r.getPartialResponseStrategy()).isEqualTo(PartialResponseStrategy.ABORT);
    assertThat(r.getStep()).isEqualTo(15_000);
    assertThat(r.getRange()).isEqualTo(60_000);
    QueryHints qh = r.getQueryHints();
    assertThat(qh.getStepMillis()).isEqualTo(30_000);
    assertThat(qh.getFunc().getName()).isEqualTo("rate");
    assertThat(qh.getGrouping().getBy()).isTrue();
    assertThat(qh.getGrouping().getLabelsList()).containsExactly("job");
    assertThat(qh.getRange().getMillis()).isEqualTo(300_000);
    assertThat(qh.getProjectionLabelsList()).containsExactly("pod");
    assertThat(qh.getProjectionInclude()).isTrue();
    assertThat(qh.getSeriesHashLabelName()).isEqualTo("__cf_series_hash__");
    ShardInfo si = r.getShardInfo();
    assertThat(si.getShardIndex()).isEqualTo(1);
    assertThat(si.getTotalShards()).isEqualTo(4);
    assertThat(si.getBy()).isTrue();
    assertThat(si.getLabelsList()).containsExactly("job");
    Any hints = r.getHints();
    assertThat(hints.is(SeriesRequestHints.class)).isTrue();
  }

  @Test
  void seriesResponseOneof() throws Exception {
    SeriesResponse series =
        decode(
            msg().msg(1, msg().msg(1, msg().str(1, "a").str(2, "b"))).bytes(),
            SeriesResponse.parser());
    assertThat(series.getResultCase()).isEqualTo(SeriesResponse.ResultCase.SERIES);
    SeriesResponse warning = decode(msg().str(2, "store down").bytes(), SeriesResponse.parser());
    assertThat(warning.getWarning()).isEqualTo("store down");
    // An empty warning is still present: oneof members are always written.
    assertThat(decode(hex("12 00"), SeriesResponse.parser()).getResultCase())
        .isEqualTo(SeriesResponse.ResultCase.WARNING);
    SeriesResponse hints =
        decode(
            msg()
                .msg(
                    3,
                    msg()
                        .str(1, "type.googleapis.com/hintspb.SeriesResponseHints")
                        .msg(2, msg().msg(1, msg().str(1, "01J0000000000000000000000A"))))
                .bytes(),
            SeriesResponse.parser());
    assertThat(
            hints
                .getHints()
                .unpack(io.jthanos.proto.hints.SeriesResponseHints.class)
                .getQueriedBlocks(0)
                .getId())
        .isEqualTo("01J0000000000000000000000A");
    SeriesResponse batch =
        decode(
            msg()
                .msg(
                    4,
                    msg()
                        .msg(1, msg().msg(1, msg().str(1, "a").str(2, "1")))
                        .msg(1, msg().msg(1, msg().str(1, "a").str(2, "2"))))
                .bytes(),
            SeriesResponse.parser());
    assertThat(batch.getBatch().getSeriesCount()).isEqualTo(2);
  }

  @Test
  void labelNamesAndValues() {
    LabelNamesRequest ln =
        decode(
            msg()
                .varint(1, 1)
                .varint(2, 1)
                .varint(3, 100)
                .varint(4, 200)
                .msg(5, msg().str(1, "type.googleapis.com/hintspb.LabelNamesRequestHints"))
                .msg(6, msg().str(2, "job").str(3, "x"))
                .str(7, "replica")
                .varint(8, 5)
                .bytes(),
            LabelNamesRequest.parser());
    assertThat(ln.getStart()).isEqualTo(100);
    assertThat(ln.getEnd()).isEqualTo(200);
    assertThat(ln.getMatchers(0).getName()).isEqualTo("job");
    assertThat(ln.getWithoutReplicaLabels(0)).isEqualTo("replica");
    assertThat(ln.getLimit()).isEqualTo(5);
    assertThat(ln.getHints().getTypeUrl()).endsWith("LabelNamesRequestHints");

    LabelNamesResponse lnr =
        decode(
            msg().str(1, "a").str(1, "b").str(2, "w").msg(3, msg().str(1, "t")).bytes(),
            LabelNamesResponse.parser());
    assertThat(lnr.getNamesList()).containsExactly("a", "b");
    assertThat(lnr.getWarningsList()).containsExactly("w");

    LabelValuesRequest lv =
        decode(
            msg()
                .str(1, "job")
                .varint(2, 1)
                .varint(3, 1)
                .varint(4, 100)
                .varint(5, 200)
                .msg(6, msg().str(1, "t"))
                .msg(7, msg().str(2, "a").str(3, "b"))
                .str(8, "replica")
                .varint(9, 7)
                .bytes(),
            LabelValuesRequest.parser());
    assertThat(lv.getLabel()).isEqualTo("job");
    assertThat(lv.getPartialResponseStrategy()).isEqualTo(PartialResponseStrategy.ABORT);
    assertThat(lv.getStart()).isEqualTo(100);
    assertThat(lv.getEnd()).isEqualTo(200);
    assertThat(lv.getLimit()).isEqualTo(7);

    LabelValuesResponse lvr =
        decode(msg().str(1, "x").str(2, "w").msg(3, msg()).bytes(), LabelValuesResponse.parser());
    assertThat(lvr.getValuesList()).containsExactly("x");
    assertThat(lvr.hasHints()).isTrue();
  }

  @Test
  void writeRequest() {
    byte[] ts =
        msg()
            .msg(1, msg().str(1, "__name__").str(2, "up"))
            .msg(2, msg().dbl(1, 1.0).varint(2, 1000))
            .bytes();
    WriteRequest w =
        decode(
            msg()
                .bytes(1, ts)
                .str(2, "tenant-a")
                .varint(3, 2)
                .msg(4, msg().bytes(1, ts).str(2, "tenant-b"))
                .bytes(),
            WriteRequest.parser());
    TimeSeries t = w.getTimeseries(0);
    assertThat(t.getLabels(0).getValue()).isEqualTo("up");
    assertThat(t.getSamples(0).getValue()).isEqualTo(1.0);
    assertThat(t.getSamples(0).getTimestamp()).isEqualTo(1000);
    assertThat(w.getTenant()).isEqualTo("tenant-a");
    assertThat(w.getReplica()).isEqualTo(2);
    assertThat(w.getTimeseriesTenantData(0).getTenant()).isEqualTo("tenant-b");
    assertThat(decode(new byte[0], WriteResponse.parser()))
        .isEqualTo(WriteResponse.getDefaultInstance());
  }

  @Test
  void serviceAndMethodNames() {
    assertThat(StoreGrpc.getSeriesMethod().getFullMethodName()).isEqualTo("thanos.Store/Series");
    assertThat(StoreGrpc.getLabelNamesMethod().getFullMethodName())
        .isEqualTo("thanos.Store/LabelNames");
    assertThat(StoreGrpc.getLabelValuesMethod().getFullMethodName())
        .isEqualTo("thanos.Store/LabelValues");
    assertThat(StoreGrpc.getSeriesMethod().getType())
        .isEqualTo(io.grpc.MethodDescriptor.MethodType.SERVER_STREAMING);
    assertThat(WriteableStoreGrpc.getRemoteWriteMethod().getFullMethodName())
        .isEqualTo("thanos.WriteableStore/RemoteWrite");
    assertThat(Series.getDescriptor().getFullName()).isEqualTo("thanos.Series");
    assertThat(TimeSeries.getDescriptor().getFullName()).isEqualTo("prometheus_copy.TimeSeries");
  }
}
