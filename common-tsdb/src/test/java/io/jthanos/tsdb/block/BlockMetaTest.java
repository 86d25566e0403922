package io.jthanos.tsdb.block;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.jthanos.tsdb.encoding.CorruptBlockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockMetaTest {
  static final String THANOS_META =
      """
      {
      	"ulid": "01HK153X49KKDY53XYKJ6B1X86",
      	"minTime": 1704067200137,
      	"maxTime": 1704074389191,
      	"stats": {
      		"numSamples": 306000,
      		"numFloatSamples": 306000,
      		"numSeries": 640,
      		"numChunks": 2550,
      		"numTombstones": 2
      	},
      	"compaction": {
      		"level": 2,
      		"sources": [
      			"01HK153X49KKDY53XYKJ6B1X86",
      			"01HK153X49KKDY53XYKJ6B1X87"
      		],
      		"parents": [
      			{
      				"ulid": "01HK153X49KKDY53XYKJ6B1X86",
      				"minTime": 1704067200137,
      				"maxTime": 1704070000000
      			}
      		],
      		"hints": [
      			"from-out-of-order"
      		]
      	},
      	"version": 1,
      	"thanos": {
      		"labels": {
      			"cluster": "eu<1>",
      			"replica": "a"
      		},
      		"downsample": {
      			"resolution": 0
      		},
      		"source": "sidecar",
      		"files": [],
      		"upload_time": "0001-01-01T00:00:00Z"
      	}
      }""";

  @Test
  void roundTripsEveryFieldAndTheThanosSectionByteForByte() {
    BlockMeta m =
        BlockMeta.parse(Path.of("meta.json"), THANOS_META.getBytes(StandardCharsets.UTF_8));
    assertThat(m.ulid()).isEqualTo(Ulid.parse("01HK153X49KKDY53XYKJ6B1X86"));
    assertThat(m.stats()).isEqualTo(new BlockStats(306000, 306000, 0, 640, 2550, 2));
    assertThat(m.compaction().level()).isEqualTo(2);
    assertThat(m.compaction().sources()).hasSize(2);
    assertThat(m.compaction().parents())
        .containsExactly(new BlockDesc(m.ulid(), 1704067200137L, 1704070000000L));
    assertThat(m.compaction().hints()).containsExactly("from-out-of-order");
    JsonNode thanos = m.extension("thanos").orElseThrow();
    assertThat(thanos.get("labels").get("cluster").asText()).isEqualTo("eu<1>");
    // Go escapes <, > and & in strings.
    assertThat(m.toJson()).isEqualTo(THANOS_META.replace("eu<1>", "eu\\u003c1\\u003e"));
  }

  @Test
  void extensionsCanBeReplacedAndRemoved() throws Exception {
    BlockMeta m =
        BlockMeta.parse(Path.of("meta.json"), THANOS_META.getBytes(StandardCharsets.UTF_8));
    JsonNode other = BlockMeta.mapper().readTree("{\"source\":\"compactor\"}");
    BlockMeta n = m.withExtension("thanos", other);
    assertThat(n.extension("thanos")).contains(other);
    assertThat(n.withoutExtension("thanos").extensions()).isEmpty();
    assertThatThrownBy(() -> m.withExtension("stats", other))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void writesAtomicallyAndReadsBack(@TempDir Path dir) throws Exception {
    Ulid id = Ulid.parse("01HK153X49KKDY53XYKJ6B1X86");
    BlockMeta m =
        new BlockMeta(id, 0, 7_200_000, BlockStats.EMPTY, BlockCompaction.level1(id), 1, null);
    m.write(dir);
    assertThat(BlockMeta.read(dir)).isEqualTo(m);
    assertThat(Files.readString(dir.resolve("meta.json"))).contains("\"stats\": {},");
    assertThat(dir.resolve("meta.json.tmp")).doesNotExist();
  }

  @Test
  void corruptionIsReportedWithFileAndOffset(@TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("meta.json"), "{\"ulid\": \"01HK153X49KKDY53XYKJ6B1X86\", \"minTime\": 1,");
    assertThatThrownBy(() -> BlockMeta.read(dir))
        .isInstanceOf(CorruptBlockException.class)
        .hasMessageContaining("meta.json")
        .hasMessageContaining("invalid meta.json");
    Files.writeString(
        dir.resolve("meta.json"),
        "{\"ulid\": \"01HK153X49KKDY53XYKJ6B1X86\", \"minTime\": 1, \"maxTime\": 2, \"version\": 2}");
    assertThatThrownBy(() -> BlockMeta.read(dir))
        .hasMessageContaining("version")
        .hasMessageContaining("expected 1, actual 2");
    Files.writeString(dir.resolve("meta.json"), "[]");
    assertThatThrownBy(() -> BlockMeta.read(dir)).isInstanceOf(CorruptBlockException.class);
    Files.delete(dir.resolve("meta.json"));
    assertThatThrownBy(() -> BlockMeta.read(dir))
        .isInstanceOf(CorruptBlockException.class)
        .hasMessageContaining("missing");
    assertThat(List.of()).isEmpty();
  }
}
