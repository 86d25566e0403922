package io.jthanos.storeapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.Matcher;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExternalLabelsTest {
  private static final Labels EXT = Labels.of("cluster", "c1", "replica", "r1");

  @Test
  void matchersOnExternalLabelsAreDecidedAndDropped() {
    Matcher job = Matcher.equal("job", "api");
    var r = ExternalLabels.resolve(List.of(job, Matcher.regex("cluster", "c.*")), EXT);
    assertThat(r.matches()).isTrue();
    assertThat(r.remaining()).containsExactly(job);
    assertThat(
            ExternalLabels.resolve(List.of(job, Matcher.notEqual("replica", "r1")), EXT).matches())
        .isFalse();
    // A matcher on an absent external label stays for storage (e.g. {foo=""}).
    assertThat(ExternalLabels.resolve(List.of(Matcher.equal("foo", "")), EXT).remaining())
        .hasSize(1);
    assertThat(ExternalLabels.resolve(List.of(job), Labels.empty()).remaining())
        .containsExactly(job);
  }

  @Test
  void mergeInsertsExternalLabelsSortedAndExternalWins() {
    Labels s = Labels.of("__name__", "up", "cluster", "local", "zone", "z");
    assertThat(ExternalLabels.merge(s, EXT, Set.of()))
        .isEqualTo(Labels.of("__name__", "up", "cluster", "c1", "replica", "r1", "zone", "z"));
  }

  @Test
  void mergeRemovesReplicaLabelsFromSeriesAndExternalLabels() {
    Labels s = Labels.of("__name__", "up", "prometheus_replica", "a", "zone", "z");
    Labels ext = EXT.without(Set.of("replica", "prometheus_replica"));
    assertThat(ExternalLabels.merge(s, ext, Set.of("replica", "prometheus_replica")))
        .isEqualTo(Labels.of("__name__", "up", "cluster", "c1", "zone", "z"));
    assertThat(ExternalLabels.merge(s, Labels.empty(), Set.of())).isSameAs(s);
  }
}
