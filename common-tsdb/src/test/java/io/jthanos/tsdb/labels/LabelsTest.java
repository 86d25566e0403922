package io.jthanos.tsdb.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class LabelsTest {

  @Test
  void sortsAndDropsEmptyValues() {
    Labels l = Labels.of("job", "api", "__name__", "up", "empty", "");
    assertThat(l.size()).isEqualTo(2);
    assertThat(l.name(0)).isEqualTo("__name__");
    assertThat(l.get("job")).isEqualTo("api");
    assertThat(l.get("missing")).isEmpty();
    assertThat(l.has("empty")).isFalse();
    assertThat(l).hasToString("{__name__=\"up\", job=\"api\"}");
  }

  @Test
  void rejectsDuplicates() {
    assertThatThrownBy(() -> Labels.of("a", "1", "a", "2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("duplicate label name: a");
  }

  @Test
  void compareFollowsPrometheus() {
    Labels a = Labels.of("a", "1");
    Labels ab = Labels.of("a", "1", "b", "1");
    Labels a2 = Labels.of("a", "2");
    Labels b = Labels.of("b", "0");
    assertThat(Labels.compare(a, ab)).isNegative();
    assertThat(Labels.compare(ab, a2)).isNegative();
    assertThat(Labels.compare(a2, b)).isNegative();
    assertThat(Labels.compare(b, Labels.of("b", "0"))).isZero();
  }

  @Test
  void utf8ByteOrderForSupplementaryCharacters() {
    // U+FFFD (EF BF BD) sorts before U+1F600 (F0 9F 98 80) in UTF-8, not in UTF-16.
    assertThat(Labels.compareStrings("\uFFFD", "\uD83D\uDE00")).isNegative();
    Labels l = Labels.of("\uD83D\uDE00", "x", "\uFFFD", "y");
    assertThat(l.name(0)).isEqualTo("\uFFFD");
    assertThat(l.get("\uD83D\uDE00")).isEqualTo("x");
  }

  @Test
  void hashIsXxh64OfNameValueSeparators() {
    // Independent vector: XXH64 of the empty input is 0xEF46DB3751D8E999.
    assertThat(Labels.empty().hash()).isEqualTo(0xEF46DB3751D8E999L);
    assertThat(Labels.of("a", "b").hash()).isEqualTo(Labels.of("a", "b").hash());
    assertThat(Labels.of("a", "b").hash()).isNotEqualTo(Labels.of("a", "c").hash());
  }

  @Test
  void withoutKeepAndBuilder() {
    Labels l = Labels.of("__name__", "up", "job", "api", "replica", "A");
    assertThat(l.without(Set.of("replica"))).isEqualTo(Labels.of("__name__", "up", "job", "api"));
    assertThat(l.keep(Set.of("job"))).isEqualTo(Labels.of("job", "api"));
    assertThat(l.withoutMetricName().has("__name__")).isFalse();
    assertThat(l.with("job", "")).isEqualTo(Labels.of("__name__", "up", "replica", "A"));
    assertThat(l.toBuilder().set("zone", "eu").delete("replica").build())
        .isEqualTo(Labels.of("__name__", "up", "job", "api", "zone", "eu"));
  }
}
