package io.jthanos.storeapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.jthanos.proto.store.SeriesRequest;
import io.jthanos.storeapi.testing.BlockSetQueryable;
import io.jthanos.storeapi.testing.ContractData;
import io.jthanos.storeapi.testing.ExpectedSeries;
import io.jthanos.storeapi.testing.LoopbackServer;
import io.jthanos.storeapi.testing.StoreApiContractTest;
import io.jthanos.storeapi.testing.StoreEndpoint;
import io.jthanos.testing.prometheus.DumpSeries;
import io.jthanos.testing.prometheus.Promtool;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.Matcher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract over blocks written by the real promtool ({@code tsdb create-blocks-from
 * openmetrics}, Debian's 2.42) and read by the TSDB library, served over Netty on loopback. The
 * expected data is what {@code promtool tsdb dump} reports for those blocks, and answers are
 * checked against dump output for several matcher sets and ranges.
 */
class PromtoolBlocksContractTest extends StoreApiContractTest {
  @TempDir static Path tmp;
  private static Promtool promtool;
  private static Path dataDir;
  private static List<ExpectedSeries> dumped;
  private final List<BlockSetQueryable> opened = new ArrayList<>();

  @BeforeAll
  static void createBlocks() throws IOException {
    promtool = Promtool.locate();
    Path om = tmp.resolve("contract.om");
    Files.writeString(om, ContractData.openMetrics());
    dataDir = tmp.resolve("data");
    Files.createDirectories(dataDir);
    promtool.createBlocksFromOpenMetrics(om, dataDir, null);
    dumped = toExpected(promtool.dump(dataDir));
  }

  @AfterAll
  void closeBlocks() {
    opened.forEach(BlockSetQueryable::close);
  }

  private static List<ExpectedSeries> toExpected(List<DumpSeries> dump) {
    List<ExpectedSeries> out = new ArrayList<>();
    for (DumpSeries d : dump) {
      out.add(new ExpectedSeries(Labels.fromMap(d.labels()), d.timestamps(), d.values()));
    }
    out.sort((a, b) -> Labels.compare(a.labels(), b.labels()));
    return out;
  }

  @Override
  protected List<ExpectedSeries> expected() {
    return dumped;
  }

  @Override
  protected StoreEndpoint start(Labels externalLabels, StoreLimits limits) {
    BlockSetQueryable blocks = BlockSetQueryable.open(dataDir);
    opened.add(blocks);
    StoreServer store =
        StoreServer.builder(blocks)
            .externalLabels(externalLabels)
            .timeRange(blocks::minTime, blocks::maxTime)
            .limits(limits)
            .build();
    return LoopbackServer.start(
        store, InfoService.builder(ComponentType.STORE).store(store).build());
  }

  @Test
  void promtoolWroteTwoBlocksHoldingTheContractData() {
    assertThat(BlockSetQueryable.open(dataDir))
        .satisfies(
            b -> {
              try (b) {
                assertThat(b.blocks()).hasSize(2);
              }
            });
    List<ExpectedSeries> input = ContractData.series();
    assertThat(dumped).containsExactlyElementsOf(input);
  }

  @Test
  void answersEqualPromtoolDumpForTheSameMatchers() {
    List<List<Matcher>> matcherSets =
        List.of(
            List.of(Matcher.regex("__name__", ".+")),
            List.of(Matcher.equal("__name__", "contract_up"), Matcher.notEqual("instance", "b")),
            List.of(Matcher.regex("__name__", "contract_(prefix|edge)")),
            List.of(Matcher.regex("job", "api|db"), Matcher.notRegex("__name__", ".*total")));
    long[][] ranges = {
      {Long.MIN_VALUE, Long.MAX_VALUE},
      {ContractData.T0 + 600_000, ContractData.BLOCK_BOUNDARY + 600_000},
      {ContractData.BLOCK_BOUNDARY, ContractData.T_END}
    };
    StoreClient c = endpoint(Labels.empty(), StoreLimits.NONE).client();
    for (List<Matcher> ms : matcherSets) {
      for (long[] r : ranges) {
        List<ExpectedSeries> dump =
            toExpected(promtool.dump(dataDir, r[0], r[1])).stream()
                .filter(s -> ms.stream().allMatch(m -> m.matches(s.labels())))
                .map(s -> s.within(r[0], r[1]))
                .filter(s -> !s.isEmpty())
                .toList();
        SeriesRequest req = request(r[0], r[1], ms.toArray(new Matcher[0])).build();
        assertThat(decodeAll(fetch(c, req), r[0], r[1]))
            .as("matchers %s range [%d, %d]", ms, r[0], r[1])
            .containsExactlyElementsOf(dump);
        assertThat(answer(ms, r[0], r[1], Labels.empty(), Set.of()))
            .containsExactlyElementsOf(dump);
      }
    }
  }
}
