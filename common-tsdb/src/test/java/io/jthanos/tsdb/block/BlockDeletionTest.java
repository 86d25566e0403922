package io.jthanos.tsdb.block;

import static org.assertj.core.api.Assertions.assertThat;

import io.jthanos.tsdb.labels.Matcher;
import io.jthanos.tsdb.testing.BlockFixtures;
import io.jthanos.tsdb.testing.SyntheticData;
import io.jthanos.tsdb.testing.TestSeries;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockDeletionTest {
  @Test
  void deletedSamplesDisappearFromQueries(@TempDir Path dir) throws Exception {
    List<TestSeries> data = new SyntheticData(3).mix(2, 400);
    Path block = dir.resolve(BlockFixtures.writeBlock(dir, data).ulid().toString());
    long mint = data.get(0).ts()[50];
    long maxt = data.get(0).ts()[150];
    List<Matcher> ms =
        List.of(Matcher.equal("__name__", "http_requests_total"), Matcher.equal("code", "500"));
    long n = BlockDeletion.delete(block, mint, maxt, ms);
    List<TestSeries> expected = new ArrayList<>();
    for (TestSeries s : data) {
      if (ms.stream().allMatch(m -> m.matches(s.labels()))) {
        List<Long> ts = new ArrayList<>();
        List<Long> vs = new ArrayList<>();
        for (int i = 0; i < s.size(); i++) {
          if (s.ts()[i] < mint || s.ts()[i] > maxt) {
            ts.add(s.ts()[i]);
            vs.add(s.valueBits()[i]);
          }
        }
        expected.add(
            new TestSeries(
                s.labels(),
                ts.stream().mapToLong(x -> x).toArray(),
                vs.stream().mapToLong(x -> x).toArray()));
      } else {
        expected.add(s);
      }
    }
    assertThat(n).isEqualTo(4);
    assertThat(BlockFixtures.readAll(block)).containsExactlyElementsOf(expected);
    assertThat(BlockMeta.read(block).stats().numTombstones()).isEqualTo(4);
  }
}
