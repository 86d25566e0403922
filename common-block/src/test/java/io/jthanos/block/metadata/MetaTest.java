package io.jthanos.block.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.jthanos.tsdb.block.BlockCompaction;
import io.jthanos.tsdb.block.BlockMeta;
import io.jthanos.tsdb.block.BlockStats;
import io.jthanos.tsdb.block.Ulid;
import io.jthanos.tsdb.encoding.CorruptBlockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetaTest {
  static final Ulid ID = Ulid.parse("01ARZ3NDEKTSV4RRFFQ69G5FAV");

  /** meta.json as Thanos' encoder writes it for this content (tab indent, trailing newline). */
  static final String GOLDEN =
      """
      {
      \t"ulid": "01ARZ3NDEKTSV4RRFFQ69G5FAV",
      \t"minTime": 1000,
      \t"maxTime": 7201000,
      \t"stats": {
      \t\t"numSamples": 240,
      \t\t"numSeries": 2,
      \t\t"numChunks": 2
      \t},
      \t"compaction": {
      \t\t"level": 1,
      \t\t"sources": [
      \t\t\t"01ARZ3NDEKTSV4RRFFQ69G5FAV"
      \t\t]
      \t},
      \t"version": 1,
      \t"thanos": {
      \t\t"labels": {
      \t\t\t"cluster": "eu\\u003c1\\u003e",
      \t\t\t"replica": "a"
      \t\t},
      \t\t"downsample": {
      \t\t\t"resolution": 300000
      \t\t},
      \t\t"source": "sidecar",
      \t\t"files": [
      \t\t\t{
      \t\t\t\t"rel_path": "chunks/000001",
      \t\t\t\t"size_bytes": 1234,
      \t\t\t\t"hash": {
      \t\t\t\t\t"hashFunc": "SHA256",
      \t\t\t\t\t"value": "abcd"
      \t\t\t\t}
      \t\t\t},
      \t\t\t{
      \t\t\t\t"rel_path": "index",
      \t\t\t\t"size_bytes": 456
      \t\t\t},
      \t\t\t{
      \t\t\t\t"rel_path": "meta.json"
      \t\t\t}
      \t\t],
      \t\t"index_stats": {
      \t\t\t"series_max_size": 100,
      \t\t\t"chunk_max_size": 200
      \t\t},
      \t\t"upload_time": "2024-03-10T12:00:00.5Z"
      \t}
      }
      """;

  static Meta sample() {
    BlockMeta block =
        new BlockMeta(
            ID,
            1000,
            7201000,
            new BlockStats(240, 0, 0, 2, 2, 0),
            BlockCompaction.level1(ID),
            1,
            Map.of());
    ThanosMeta t =
        ThanosMeta.of(Map.of("replica", "a", "cluster", "eu<1>"), 300_000, Sources.SIDECAR)
            .withFiles(
                List.of(
                    new BlockFile("chunks/000001", 1234, new ObjectHash(HashFunc.SHA256, "abcd")),
                    new BlockFile("index", 456, null),
                    new BlockFile("meta.json", 0, null)))
            .withIndexStats(IndexStats.of(100, 200))
            .withUploadTime(Instant.parse("2024-03-10T12:00:00.500Z"));
    return new Meta(block, t);
  }

  @Test
  void writesExactlyAsThanos() {
    assertThat(sample().toJson()).isEqualTo(GOLDEN);
  }

  @Test
  void roundTripsThroughBytes() {
    Meta m = Meta.parse(Path.of("meta.json"), GOLDEN.getBytes(StandardCharsets.UTF_8));
    assertThat(m).isEqualTo(sample());
    assertThat(m.toJson()).isEqualTo(GOLDEN);
    assertThat(m.thanos().labels().keySet()).containsExactly("cluster", "replica");
  }

  @Test
  void emptySectionUsesGoZeroValues() {
    BlockMeta block =
        new BlockMeta(ID, 0, 10, BlockStats.EMPTY, BlockCompaction.level1(ID), 1, Map.of());
    String json = Meta.of(block).toJson();
    assertThat(json)
        .contains(
            "\t\"thanos\": {\n"
                + "\t\t\"labels\": {},\n"
                + "\t\t\"downsample\": {\n"
                + "\t\t\t\"resolution\": 0\n"
                + "\t\t},\n"
                + "\t\t\"source\": \"\",\n"
                + "\t\t\"index_stats\": {},\n"
                + "\t\t\"upload_time\": \"0001-01-01T00:00:00Z\"\n"
                + "\t}\n");
    Meta back = Meta.parse(Path.of("m"), json.getBytes(StandardCharsets.UTF_8));
    assertThat(back.thanos().uploadTime()).isNull();
    assertThat(back.thanos().version()).isZero();
  }

  @Test
  void keepsVersionSegmentFilesExtensionsAndRewrites() {
    String json =
        """
        {"ulid":"01ARZ3NDEKTSV4RRFFQ69G5FAV","minTime":0,"maxTime":10,"version":1,
         "thanos":{"version":1,"labels":{"a":"b"},"downsample":{"resolution":0},"source":"compactor",
          "segment_files":["000001","000002"],
          "rewrites":[{"sources":["01ARZ3NDEKTSV4RRFFQ69G5FAV"],
            "deletions_applied":[{"matchers":"{a=\\"b\\"}","intervals":[{"Mint":1,"Maxt":5}],"request_id":"r1"}],
            "relabels_applied":[{"action":"drop"}]}],
          "extensions":{"parquet_migrated":true},
          "upload_time":"2024-01-01T01:00:00+01:00",
          "unknown_field":42}}
        """;
    Meta m = Meta.parse(Path.of("m"), json.getBytes(StandardCharsets.UTF_8));
    ThanosMeta t = m.thanos();
    assertThat(t.version()).isEqualTo(1);
    assertThat(t.segmentFiles()).containsExactly("000001", "000002");
    assertThat(t.rewrites()).hasSize(1);
    assertThat(t.rewrites().get(0).deletionsApplied().get(0).intervals().get(0).maxTime())
        .isEqualTo(5);
    assertThat(t.extensions().get("parquet_migrated").asBoolean()).isTrue();
    assertThat(t.uploadTime()).isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));
    String out = m.toJson();
    assertThat(out)
        .contains("\"version\": 1,\n\t\t\"labels\"")
        .contains("\"segment_files\": [")
        .contains("\"request_id\": \"r1\"")
        .contains("\"Mint\": 1")
        .contains("\"extensions\": {\n\t\t\t\"parquet_migrated\": true\n\t\t},")
        .contains("\"upload_time\": \"2024-01-01T00:00:00Z\"")
        .doesNotContain("unknown_field");
    Meta again = Meta.parse(Path.of("m"), out.getBytes(StandardCharsets.UTF_8));
    assertThat(again).isEqualTo(m);
  }

  @Test
  void groupKeyIsResolutionAtLabelsHash() {
    ThanosMeta t = ThanosMeta.of(Map.of("a", "1"), 0, "");
    // labels.FromStrings("a","1").Hash() in Prometheus, printed unsigned.
    assertThat(t.groupKey())
        .isEqualTo("0@" + Long.toUnsignedString(io.jthanos.tsdb.labels.Labels.of("a", "1").hash()));
    assertThat(ThanosMeta.of(Map.of(), 300000, "").groupKey()).startsWith("300000@");
  }

  @Test
  void rejectsWrongTypesAndVersions() {
    assertThatThrownBy(
            () ->
                Meta.parse(
                    Path.of("m"),
                    "{\"ulid\":\"01ARZ3NDEKTSV4RRFFQ69G5FAV\",\"minTime\":0,\"maxTime\":1,\"version\":1,\"thanos\":{\"labels\":[]}}"
                        .getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(CorruptBlockException.class)
        .hasMessageContaining("thanos.labels");
    assertThatThrownBy(
            () ->
                Meta.parse(
                    Path.of("m"),
                    "{\"ulid\":\"01ARZ3NDEKTSV4RRFFQ69G5FAV\",\"minTime\":0,\"maxTime\":1,\"version\":2}"
                        .getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(UnsupportedMetaVersionException.class);
    assertThatThrownBy(
            () ->
                Meta.parse(
                    Path.of("m"),
                    "{\"ulid\":\"01ARZ3NDEKTSV4RRFFQ69G5FAV\",\"minTime\":0,\"maxTime\":1,\"version\":1,\"thanos\":{\"version\":2}}"
                        .getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(CorruptBlockException.class)
        .hasMessageContaining("thanos.version");
    assertThatThrownBy(
            () -> Meta.parse(Path.of("m"), "{\"ulid\":".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(CorruptBlockException.class);
  }

  @Test
  void writesAtomicallyAndReadsBack(@TempDir Path dir) throws Exception {
    Meta m =
        sample()
            .withThanos(sample().thanos().withExtensions(JsonNodeFactory.instance.objectNode()));
    m.write(dir);
    assertThat(Meta.read(dir)).isEqualTo(m);
    assertThat(dir.resolve("meta.json.tmp")).doesNotExist();
  }
}
