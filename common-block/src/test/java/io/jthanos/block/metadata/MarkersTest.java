package io.jthanos.block.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jthanos.tsdb.block.Ulid;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MarkersTest {
  static final Ulid ID = Ulid.parse("01ARZ3NDEKTSV4RRFFQ69G5FAV");

  @Test
  void encodesAsGoJsonMarshal() {
    assertThat(DeletionMark.of(ID, "", 1710072000).toJson())
        .isEqualTo(
            "{\"id\":\"01ARZ3NDEKTSV4RRFFQ69G5FAV\",\"version\":1,\"deletion_time\":1710072000}");
    assertThat(DeletionMark.of(ID, "retention <5d>", 1710072000).toJson())
        .isEqualTo(
            "{\"id\":\"01ARZ3NDEKTSV4RRFFQ69G5FAV\",\"version\":1,"
                + "\"details\":\"retention \\u003c5d\\u003e\",\"deletion_time\":1710072000}");
    assertThat(NoCompactMark.of(ID, NoCompactMark.REASON_MANUAL, "", 1700000000).toJson())
        .isEqualTo(
            "{\"id\":\"01ARZ3NDEKTSV4RRFFQ69G5FAV\",\"version\":1,"
                + "\"no_compact_time\":1700000000,\"reason\":\"manual\"}");
    assertThat(NoDownsampleMark.of(ID, "manual", "x", 1700000000).toJson())
        .isEqualTo(
            "{\"id\":\"01ARZ3NDEKTSV4RRFFQ69G5FAV\",\"version\":1,\"details\":\"x\","
                + "\"no_downsample_time\":1700000000,\"reason\":\"manual\"}");
  }

  @Test
  void parsesEveryKindAndRoundTrips() {
    for (Marker m :
        new Marker[] {
          DeletionMark.of(ID, "d", 5),
          NoCompactMark.of(ID, NoCompactMark.REASON_INDEX_SIZE_EXCEEDING, "", 6),
          NoDownsampleMark.of(ID, NoDownsampleMark.REASON_MANUAL, "why", 7)
        }) {
      Marker back = m.type().parse("x", m.toJson().getBytes(StandardCharsets.UTF_8));
      assertThat(back).isEqualTo(m);
    }
    assertThat(MarkerType.ofFileName("no-compact-mark.json")).isEqualTo(MarkerType.NO_COMPACT);
    assertThat(MarkerType.DELETION.objectName(ID))
        .isEqualTo("01ARZ3NDEKTSV4RRFFQ69G5FAV/deletion-mark.json");
  }

  @Test
  void partialAndForeignMarkersAreReported() {
    assertThatThrownBy(
            () ->
                MarkerType.DELETION.parse("a", "{\"id\":\"01ARZ".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MarkerFormatException.class)
        .hasMessageContaining("unmarshal marker JSON");
    assertThatThrownBy(
            () ->
                MarkerType.DELETION.parse(
                    "a",
                    "{\"id\":\"01ARZ3NDEKTSV4RRFFQ69G5FAV\",\"version\":2,\"deletion_time\":1}"
                        .getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MarkerVersionException.class);
    assertThatThrownBy(
            () ->
                MarkerType.NO_COMPACT.parse(
                    "a",
                    "{\"id\":\"01ARZ3NDEKTSV4RRFFQ69G5FAV\",\"version\":1,\"no_compact_time\":\"x\"}"
                        .getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MarkerFormatException.class);
  }
}
