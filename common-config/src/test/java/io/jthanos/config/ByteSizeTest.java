package io.jthanos.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ByteSizeTest {
  @Test
  void base2Units() {
    assertThat(ByteSize.parse("250MB")).isEqualTo(250L << 20);
    assertThat(ByteSize.parse("250MiB")).isEqualTo(250L << 20);
    assertThat(ByteSize.parse("2GB")).isEqualTo(2L << 30);
    assertThat(ByteSize.parse("64GB")).isEqualTo(64L << 30);
    assertThat(ByteSize.parse("1GB512MB")).isEqualTo((1L << 30) + (512L << 20));
    assertThat(ByteSize.parse("100B")).isEqualTo(100);
    assertThat(ByteSize.parse("0")).isZero();
    assertThatThrownBy(() -> ByteSize.parse("10XB")).hasMessageContaining("invalid unit \"XB\"");
    assertThatThrownBy(() -> ByteSize.parse("10")).hasMessageContaining("invalid unit \"\"");
  }

  @Test
  void formats() {
    assertThat(ByteSize.format(250L << 20)).isEqualTo("250MiB");
    assertThat(ByteSize.format((1L << 30) + (512L << 20))).isEqualTo("1GiB512MiB");
    assertThat(ByteSize.format(0)).isEqualTo("0B");
    assertThat(ByteSize.format(1025)).isEqualTo("1KiB1B");
  }
}
