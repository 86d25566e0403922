package io.jthanos.storeapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.LabelsBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SeriesOrderingTest {

  private static List<Labels> run(
      SeriesOrdering.Mode mode, List<Labels> storage, Labels ext, Set<String> removed) {
    List<Labels> out = new ArrayList<>();
    SeriesOrdering<Void> o =
        switch (mode) {
          case DIRECT -> SeriesOrdering.direct(i -> out.add(i.out()));
          case STACKED -> SeriesOrdering.stacked(ext.name(ext.size() - 1), i -> out.add(i.out()));
          case RESORT -> SeriesOrdering.resorting(i -> out.add(i.out()));
        };
    for (Labels s : storage) {
      o.accept(new SeriesOrdering.Item<>(s, ExternalLabels.merge(s, ext, removed), null));
    }
    o.finish();
    return out;
  }

  @Test
  void prefixSeriesMoveAfterTheirExtensions() {
    List<Labels> storage =
        List.of(
            Labels.of("a", "1"),
            Labels.of("a", "1", "b", "1"),
            Labels.of("a", "1", "b", "1", "c", "1"),
            Labels.of("a", "1", "b", "1", "c", "1", "z", "1"),
            Labels.of("a", "1", "z", "1"),
            Labels.of("a", "2"));
    Labels ext = Labels.of("r", "x");
    List<Labels> got = run(SeriesOrdering.Mode.STACKED, storage, ext, Set.of());
    List<Labels> want = new ArrayList<>(got);
    want.sort(Labels::compare);
    assertThat(got).containsExactlyElementsOf(want);
    assertThat(got.getFirst()).isEqualTo(Labels.of("a", "1", "b", "1", "c", "1", "r", "x"));
  }

  @Test
  void modeFollowsTheStorageLabelNames() {
    Labels ext = Labels.of("region", "eu");
    assertThat(SeriesOrdering.mode(List.of("__name__", "job"), Labels.empty(), Set.of()))
        .isEqualTo(SeriesOrdering.Mode.DIRECT);
    assertThat(SeriesOrdering.mode(List.of("__name__", "job"), ext, Set.of()))
        .isEqualTo(SeriesOrdering.Mode.STACKED);
    assertThat(SeriesOrdering.mode(List.of("__name__", "region"), ext, Set.of()))
        .isEqualTo(SeriesOrdering.Mode.RESORT);
    assertThat(
            SeriesOrdering.mode(List.of("__name__", "replica"), Labels.empty(), Set.of("replica")))
        .isEqualTo(SeriesOrdering.Mode.RESORT);
  }

  /** Random label sets and external labels: the streaming fix-up equals a full sort. */
  @Test
  void stackedOrderingEqualsSortingOnRandomData() {
    Random rnd = new Random(42);
    String[] names = {"__name__", "a", "b", "c", "d", "job", "m", "r", "x", "z"};
    for (int round = 0; round < 2000; round++) {
      // External labels use names the storage never has, so STACKED is the applicable mode.
      int nExt = 1 + rnd.nextInt(3);
      LabelsBuilder eb = new LabelsBuilder();
      TreeSet<String> extNames = new TreeSet<>();
      for (int i = 0; i < nExt; i++) {
        String n = names[rnd.nextInt(names.length)] + "_e" + rnd.nextInt(3);
        extNames.add(n);
        eb.set(n, "v" + rnd.nextInt(2));
      }
      Labels ext = eb.build();
      TreeSet<Labels> storage = new TreeSet<>(Labels::compare);
      int n = rnd.nextInt(40);
      for (int i = 0; i < n; i++) {
        LabelsBuilder b = new LabelsBuilder();
        int len = rnd.nextInt(5);
        for (int j = 0; j < len; j++) {
          b.set(names[rnd.nextInt(names.length)], Integer.toString(rnd.nextInt(2)));
        }
        storage.add(b.build());
      }
      List<Labels> got = run(SeriesOrdering.Mode.STACKED, new ArrayList<>(storage), ext, Set.of());
      List<Labels> want = new ArrayList<>(got);
      want.sort(Labels::compare);
      assertThat(got).as("round %d ext %s", round, ext).containsExactlyElementsOf(want);
      // And the resorting mode gives the same.
      assertThat(run(SeriesOrdering.Mode.RESORT, new ArrayList<>(storage), ext, Set.of()))
          .containsExactlyElementsOf(want);
    }
  }
}
