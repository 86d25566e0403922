package io.jthanos.tsdb.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.jthanos.tsdb.block.BlockReader;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.MatchType;
import io.jthanos.tsdb.labels.Matcher;
import io.jthanos.tsdb.testing.BlockFixtures;
import io.jthanos.tsdb.testing.TestSeries;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Matcher -> postings resolution against brute force over random label sets and matchers. */
class PostingsForMatchersTest {
  @TempDir static Path dir;
  static List<Labels> series = new ArrayList<>();
  static Path block;
  static final String[] NAMES = {"a", "b", "c", "job"};
  static final String[] VALUES = {"1", "2", "10", "foo", "foobar", "bar", "x.y", "é"};

  @BeforeAll
  static void build() {
    SplittableRandom r = new SplittableRandom(3);
    Set<Labels> set = new LinkedHashSet<>();
    while (set.size() < 400) {
      List<String> nv = new ArrayList<>(List.of("__name__", "m" + r.nextInt(3)));
      for (String n : NAMES) {
        if (r.nextInt(3) > 0) {
          nv.add(n);
          nv.add(VALUES[r.nextInt(VALUES.length)]);
        }
      }
      set.add(Labels.of(nv.toArray(new String[0])));
    }
    List<TestSeries> data = new ArrayList<>();
    for (Labels l : set) {
      data.add(TestSeries.of(l, new long[] {1000}, new double[] {1}));
    }
    block = dir.resolve(BlockFixtures.writeBlock(dir, data).ulid().toString());
    series.addAll(set);
    series.sort(Labels::compare);
  }

  @Test
  void randomMatcherSetsAgreeWithBruteForce() {
    SplittableRandom r = new SplittableRandom(8);
    String[] regexes = {
      ".*", ".+", "foo.*", "1|2", "", "f.*r", ".*o.*", "1.*|bar", "[0-9]+", "x\\.y", "é|foo"
    };
    try (BlockReader b = BlockReader.open(block)) {
      for (int round = 0; round < 1500; round++) {
        List<Matcher> ms = new ArrayList<>();
        int n = 1 + r.nextInt(3);
        for (int i = 0; i < n; i++) {
          String name = r.nextInt(10) == 0 ? "missing" : NAMES[r.nextInt(NAMES.length)];
          MatchType t = MatchType.values()[r.nextInt(4)];
          String v =
              t == MatchType.REGEX || t == MatchType.NOT_REGEX
                  ? regexes[r.nextInt(regexes.length)]
                  : r.nextInt(5) == 0 ? "" : VALUES[r.nextInt(VALUES.length)];
          ms.add(Matcher.of(t, name, v));
        }
        long[] refs = Postings.expand(PostingsForMatchers.resolve(b.index(), ms));
        List<Labels> got = new ArrayList<>();
        for (long ref : refs) {
          got.add(b.index().seriesLabels(ref));
        }
        List<Labels> want =
            series.stream().filter(l -> ms.stream().allMatch(m -> m.matches(l))).toList();
        assertThat(got).as("%s", ms).containsExactlyElementsOf(want);
      }
    }
  }

  @Test
  void noMatchersSelectNothing() {
    try (BlockReader b = BlockReader.open(block)) {
      assertThat(Postings.expand(PostingsForMatchers.resolve(b.index(), List.of()))).isEmpty();
    }
  }
}
