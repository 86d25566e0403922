package io.jthanos.tsdb.encoding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappedFileTest {

  /** A sparse file past 2 GiB with data around the 1 GiB and 2 GiB window boundaries. */
  @Test
  void readsAcrossWindowsOfAFileLargerThan2GiB(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("big");
    long size = (3L << 30) + 100;
    long[] marks = {(1L << 30) - 3, (2L << 30) - 2, (2L << 30) + 7, size - 8};
    try (FileChannel ch =
        FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (long m : marks) {
        ch.write(ByteBuffer.allocate(8).putLong(0, 0x0102030405060708L ^ m), m);
      }
      ch.truncate(size);
      if (ch.size() < size) {
        ch.write(ByteBuffer.allocate(1), size - 1);
      }
    }
    try (MappedFile mf = MappedFile.open(f)) {
      assertThat(mf.size()).isEqualTo(size);
      for (long m : marks) {
        assertThat(mf.getLong(m)).isEqualTo(0x0102030405060708L ^ m);
        assertThat(mf.getInt(m + 2)).isEqualTo((int) ((0x0102030405060708L ^ m) >>> 16));
        ByteBuffer s = mf.slice(m, 8);
        assertThat(s.getLong(0)).isEqualTo(0x0102030405060708L ^ m);
        Decbuf d = mf.decbuf(m, m + 8);
        assertThat(d.be64()).isEqualTo(0x0102030405060708L ^ m);
      }
      // A slice spanning the 1 GiB boundary by more than the overlap is copied, same bytes.
      long from = (1L << 30) - 3;
      ByteBuffer wide = mf.slice(from, 200_000);
      assertThat(wide.getLong(0)).isEqualTo(0x0102030405060708L ^ from);
      CRC32C crc = new CRC32C();
      crc.update(wide.duplicate());
      assertThat(mf.crc32c(from, 200_000)).isEqualTo((int) crc.getValue());
      assertThatThrownBy(() -> mf.getLong(size - 4))
          .isInstanceOf(CorruptBlockException.class)
          .hasMessageContaining("read beyond end of file");
    }
  }

  @Test
  void decoderCrossesSmallWindowsAndBoundsEveryRead(@TempDir Path dir) throws Exception {
    Encbuf e = new Encbuf();
    for (int i = 0; i < 2000; i++) {
      e.putUvarint(i * 977L).putVarint(-i).putUvarintString("value-" + i).putBE32(i);
    }
    Path f = dir.resolve("f");
    java.nio.file.Files.write(f, e.toByteArray());
    try (MappedFile mf = MappedFile.open(f, 7, 16)) {
      Decbuf d = mf.decbuf(0, mf.size());
      for (int i = 0; i < 2000; i++) {
        assertThat(d.uvarint()).isEqualTo(i * 977L);
        assertThat(d.varint()).isEqualTo(-i);
        assertThat(d.uvarintString()).isEqualTo("value-" + i);
        assertThat(d.be32()).isEqualTo(i);
      }
      assertThat(d.remaining()).isZero();
      assertThatThrownBy(d::u8)
          .isInstanceOf(CorruptBlockException.class)
          .hasMessageContaining("unexpected end of data");
    }
    // A string length pointing past the section end is refused before allocating.
    byte[] bad = new Encbuf().putUvarint(Integer.MAX_VALUE).putBytes(new byte[3]).toByteArray();
    Decbuf d = Decbuf.of(Path.of("bad"), ByteBuffer.wrap(bad));
    assertThatThrownBy(d::uvarintString)
        .isInstanceOf(CorruptBlockException.class)
        .hasMessageContaining("string length beyond section end");
    byte[] overlong = {
      (byte) 0xff,
      (byte) 0xff,
      (byte) 0xff,
      (byte) 0xff,
      (byte) 0xff,
      (byte) 0xff,
      (byte) 0xff,
      (byte) 0xff,
      (byte) 0xff,
      (byte) 0xff,
      1
    };
    assertThatThrownBy(() -> Decbuf.of(Path.of("x"), ByteBuffer.wrap(overlong)).uvarint())
        .hasMessageContaining("uvarint overflows");
  }
}
