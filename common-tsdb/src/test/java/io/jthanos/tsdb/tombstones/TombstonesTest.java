package io.jthanos.tsdb.tombstones;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jthanos.tsdb.encoding.CorruptBlockException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TombstonesTest {

  @Test
  void intervalsMergeOverlappingAndAdjacent() {
    Intervals in = Intervals.of(new Interval(10, 20), new Interval(30, 40));
    assertThat(in.add(new Interval(21, 29)).list()).containsExactly(new Interval(10, 40));
    assertThat(in.add(new Interval(0, 5)).list())
        .containsExactly(new Interval(0, 5), new Interval(10, 20), new Interval(30, 40));
    assertThat(in.add(new Interval(15, 35)).list()).containsExactly(new Interval(10, 40));
    assertThat(in.add(new Interval(Long.MIN_VALUE, 9)).list())
        .containsExactly(new Interval(Long.MIN_VALUE, 20), new Interval(30, 40));
    assertThat(in.add(new Interval(41, Long.MAX_VALUE)).list())
        .containsExactly(new Interval(10, 20), new Interval(30, Long.MAX_VALUE));
    assertThat(in.contains(20)).isTrue();
    assertThat(in.contains(25)).isFalse();
    assertThat(new Interval(12, 18).isSubrangeOf(in)).isTrue();
    assertThat(new Interval(12, 31).isSubrangeOf(in)).isFalse();
  }

  @Test
  void fileRoundTripAndEmptyFileBytes(@TempDir Path dir) throws Exception {
    assertThat(Tombstones.read(dir).isEmpty()).isTrue(); // missing file
    Tombstones.empty().write(dir);
    assertThat(Files.readAllBytes(dir.resolve("tombstones")))
        .containsExactly(0x01, 0x30, 0xBA, 0x30, 0x01, 0, 0, 0, 0);
    Tombstones t =
        Tombstones.empty()
            .with(48, new Interval(-5, 100))
            .with(3, new Interval(1000, 2000))
            .with(48, new Interval(200, 300))
            .with(48, new Interval(101, 150));
    t.write(dir);
    Tombstones back = Tombstones.read(dir);
    assertThat(back).isEqualTo(t);
    assertThat(back.get(48).list()).containsExactly(new Interval(-5, 150), new Interval(200, 300));
    assertThat(back.count()).isEqualTo(3);
    assertThat(back.get(7).isEmpty()).isTrue();
  }

  @Test
  void corruptionIsPrecise(@TempDir Path dir) throws Exception {
    Tombstones.empty().with(1, new Interval(1, 2)).write(dir);
    Path f = dir.resolve("tombstones");
    byte[] b = Files.readAllBytes(f);
    b[6] ^= 1;
    Files.write(f, b);
    assertThatThrownBy(() -> Tombstones.read(dir))
        .isInstanceOf(CorruptBlockException.class)
        .hasMessageContaining("tombstones checksum mismatch");
    Files.write(f, new byte[] {1, 2, 3});
    assertThatThrownBy(() -> Tombstones.read(dir)).hasMessageContaining("too short");
    b[0] = 9;
    Files.write(f, b);
    assertThatThrownBy(() -> Tombstones.read(dir)).hasMessageContaining("invalid tombstones magic");
  }
}
