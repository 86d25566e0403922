package io.jthanos.storeapi.testing;

import static io.jthanos.storeapi.testing.ContractData.BLOCK_BOUNDARY;
import static io.jthanos.storeapi.testing.ContractData.T0;
import static io.jthanos.storeapi.testing.ContractData.T_END;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.jthanos.proto.info.InfoResponse;
import io.jthanos.proto.store.LabelNamesRequest;
import io.jthanos.proto.store.LabelValuesRequest;
import io.jthanos.proto.store.SeriesRequest;
import io.jthanos.proto.store.ShardInfo;
import io.jthanos.storeapi.ExternalLabels;
import io.jthanos.storeapi.SeriesStream;
import io.jthanos.storeapi.SeriesStreams;
import io.jthanos.storeapi.StoreApiException;
import io.jthanos.storeapi.StoreChunk;
import io.jthanos.storeapi.StoreClient;
import io.jthanos.storeapi.StoreClientConfig;
import io.jthanos.storeapi.StoreLimits;
import io.jthanos.storeapi.StoreProtos;
import io.jthanos.storeapi.StoreSeries;
import io.jthanos.tsdb.chunkenc.SampleIterator;
import io.jthanos.tsdb.chunkenc.ValueType;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.Matcher;
import io.jthanos.tsdb.storage.ChunkMeta;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The StoreAPI contract every StoreAPI server in the project passes (spec 1.2 and 1.8): sorted
 * output, label-set integrity once external labels are merged, skip_chunks, empty answers, matcher
 * edge cases ({@code =~".*"}, {@code !=""}, regexes on external labels), time ranges touching only
 * the edges, without_replica_labels, sharding, batching, compression, label names/values, Info,
 * cancellation mid-stream and limits.
 *
 * <p>Extend it: implement {@link #start} to run your server over {@link ContractData} with the
 * given external labels and limits (load {@link ContractData#openMetrics()} with promtool,
 * remote-write {@link ContractData#series()}, or build blocks), and override {@link #expected()}
 * when your storage holds the data differently (e.g. return what {@code promtool tsdb dump}
 * reports). Answers are compared sample by sample (chunks decoded), so chunk boundaries are the
 * server's business. Endpoints are started lazily, reused per (labels, limits) and closed after the
 * class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class StoreApiContractTest {
  /** The external labels the suite runs with. */
  protected static final Labels EXT = Labels.of("region", "eu", "replica", "r1");

  private final Map<List<Object>, StoreEndpoint> endpoints = new HashMap<>();

  /**
   * Starts an endpoint serving {@link ContractData} (as {@link #expected()} describes it) with
   * these external labels, answering over the limits with RESOURCE_EXHAUSTED.
   */
  protected abstract StoreEndpoint start(Labels externalLabels, StoreLimits limits)
      throws Exception;

  /** The data the endpoint holds, before external labels. */
  protected List<ExpectedSeries> expected() {
    return ContractData.series();
  }

  /** Whether the server enforces {@link StoreLimits}; servers without limits return false. */
  protected boolean supportsLimits() {
    return true;
  }

  /**
   * Called after a stream was cancelled mid-way; servers that can observe their open requests
   * should wait (with a timeout) until the cancelled request released its resources.
   */
  protected void awaitRequestsReleased() {}

  @AfterAll
  void closeEndpoints() {
    for (StoreEndpoint e : endpoints.values()) {
      e.close();
    }
    endpoints.clear();
  }

  protected final StoreEndpoint endpoint(Labels ext, StoreLimits limits) {
    return endpoints.computeIfAbsent(
        List.of(ext, limits),
        k -> {
          try {
            return start(ext, limits);
          } catch (Exception e) {
            throw new IllegalStateException("starting the StoreAPI endpoint", e);
          }
        });
  }

  protected final StoreClient client() {
    return endpoint(EXT, StoreLimits.NONE).client();
  }

  // --- helpers -------------------------------------------------------------------------------

  protected static SeriesRequest.Builder request(long mint, long maxt, Matcher... matchers) {
    return SeriesRequest.newBuilder()
        .setMinTime(mint)
        .setMaxTime(maxt)
        .addAllMatchers(StoreProtos.toProtoMatchers(List.of(matchers)));
  }

  protected static List<StoreSeries> fetch(StoreClient c, SeriesRequest r) {
    return SeriesStreams.toList(c.series(r));
  }

  /** Decodes raw chunks, checking each overlaps [mint, maxt] and spans its samples exactly. */
  protected static ExpectedSeries decode(StoreSeries s, long mint, long maxt) {
    List<Long> ts = new ArrayList<>();
    List<Double> vs = new ArrayList<>();
    for (StoreChunk c : s.chunks()) {
      assertThat(c.raw()).as("raw chunk of %s", s.labels()).isNotNull();
      assertThat(c.maxTime() >= mint && c.minTime() <= maxt)
          .as(
              "chunk [%d,%d] of %s overlaps [%d,%d]",
              c.minTime(), c.maxTime(), s.labels(), mint, maxt)
          .isTrue();
    }
    for (ChunkMeta m : SeriesStreams.rawChunks(s)) {
      SampleIterator it = m.chunk().iterator(null);
      long first = Long.MIN_VALUE;
      long last = Long.MIN_VALUE;
      while (it.next() == ValueType.FLOAT) {
        if (first == Long.MIN_VALUE) {
          first = it.atT();
        }
        last = it.atT();
        ts.add(it.atT());
        vs.add(it.atV());
      }
      assertThat(first).as("chunk min time of %s", s.labels()).isEqualTo(m.minTime());
      assertThat(last).as("chunk max time of %s", s.labels()).isEqualTo(m.maxTime());
    }
    return new ExpectedSeries(
            s.labels(),
            ts.stream().mapToLong(Long::longValue).toArray(),
            vs.stream().mapToDouble(Double::doubleValue).toArray())
        .within(mint, maxt);
  }

  protected static List<ExpectedSeries> decodeAll(List<StoreSeries> got, long mint, long maxt) {
    List<ExpectedSeries> out = new ArrayList<>();
    for (StoreSeries s : got) {
      out.add(decode(s, mint, maxt));
    }
    return out;
  }

  /** What a correct server answers: matching series, external labels merged, in label order. */
  protected final List<ExpectedSeries> answer(
      List<Matcher> matchers, long mint, long maxt, Labels ext, Set<String> removed) {
    Labels finalExt = ext.without(removed);
    List<ExpectedSeries> out = new ArrayList<>();
    for (ExpectedSeries s : expected()) {
      Labels merged = ExternalLabels.merge(s.labels(), ext, Set.of());
      if (!matchers.stream().allMatch(m -> m.matches(merged))) {
        continue;
      }
      ExpectedSeries in = s.within(mint, maxt);
      if (in.isEmpty()) {
        continue;
      }
      out.add(in.withLabels(ExternalLabels.merge(s.labels(), finalExt, removed)));
    }
    out.sort((a, b) -> Labels.compare(a.labels(), b.labels()));
    return out;
  }

  protected final List<ExpectedSeries> answer(List<Matcher> matchers, long mint, long maxt) {
    return answer(matchers, mint, maxt, EXT, Set.of());
  }

  private static void assertSorted(List<StoreSeries> got) {
    for (int i = 1; i < got.size(); i++) {
      assertThat(Labels.compare(got.get(i - 1).labels(), got.get(i).labels()))
          .as("series %d (%s) sorts before %s", i, got.get(i - 1).labels(), got.get(i).labels())
          .isLessThan(0);
    }
  }

  private static final Matcher ALL = Matcher.regex("__name__", "contract_.*");

  private void assertAnswer(SeriesRequest r, List<Matcher> matchers) {
    List<StoreSeries> got = fetch(client(), r);
    assertSorted(got);
    assertThat(decodeAll(got, r.getMinTime(), r.getMaxTime()))
        .containsExactlyElementsOf(answer(matchers, r.getMinTime(), r.getMaxTime()));
  }

  private void assertAnswer(long mint, long maxt, Matcher... matchers) {
    assertAnswer(request(mint, maxt, matchers).build(), List.of(matchers));
  }

  private void assertCode(Status.Code code, Runnable r) {
    assertThatThrownBy(r::run)
        .isInstanceOf(StoreApiException.class)
        .satisfies(e -> assertThat(((StoreApiException) e).code()).isEqualTo(code));
  }

  // --- Info ----------------------------------------------------------------------------------

  @Test
  void infoAdvertisesLabelSetsTimeRangeAndCapabilities() {
    InfoResponse info = client().info();
    assertThat(info.getComponentType())
        .isIn("sidecar", "store", "query", "rule", "receive", "debug");
    assertThat(info.getLabelSetsList()).extracting(StoreProtos::labels).contains(EXT);
    assertThat(info.hasStore()).isTrue();
    assertThat(info.getStore().getMinTime()).isLessThanOrEqualTo(T0);
    assertThat(info.getStore().getMaxTime()).isGreaterThanOrEqualTo(T_END);
    assertThat(info.getStore().getSupportsWithoutReplicaLabels()).isTrue();
  }

  // --- Series: order, integrity, data ----------------------------------------------------------

  @Test
  void seriesAreSortedAndCompleteWithExternalLabelsMerged() {
    assertAnswer(Long.MIN_VALUE, Long.MAX_VALUE, ALL);
  }

  @Test
  void labelSetsStayCanonicalAfterExternalLabelsAreMerged() {
    List<StoreSeries> got = fetch(client(), request(T0, T_END, ALL).build());
    assertThat(got).hasSize(expected().size());
    Set<Labels> seen = new HashSet<>();
    for (StoreSeries s : got) {
      Labels l = s.labels();
      for (int i = 1; i < l.size(); i++) {
        assertThat(Labels.compareStrings(l.name(i - 1), l.name(i))).isLessThan(0);
      }
      for (int i = 0; i < EXT.size(); i++) {
        assertThat(l.get(EXT.name(i))).as("external label in %s", l).isEqualTo(EXT.value(i));
      }
      assertThat(seen.add(l)).as("label set %s sent once", l).isTrue();
    }
    // The stored region="local" loses to the external region="eu".
    assertThat(got)
        .extracting(StoreSeries::labels)
        .contains(
            Labels.of(
                "__name__", "contract_collide", "job", "api", "region", "eu", "replica", "r1"));
  }

  @Test
  void skipChunksReturnsLabelsOnly() {
    List<StoreSeries> full = fetch(client(), request(T0, T_END, ALL).build());
    List<StoreSeries> bare = fetch(client(), request(T0, T_END, ALL).setSkipChunks(true).build());
    assertThat(bare)
        .extracting(StoreSeries::labels)
        .containsExactlyElementsOf(full.stream().map(StoreSeries::labels).toList());
    assertThat(bare).allSatisfy(s -> assertThat(s.chunks()).isEmpty());
  }

  @Test
  void batchedResponsesCarryTheSameAnswer() {
    SeriesRequest r = request(T0, T_END, ALL).setResponseBatchSize(4).build();
    assertAnswer(r, List.of(ALL));
  }

  @Test
  void snappyCompressedCallsCarryTheSameAnswer() {
    StoreClient c =
        endpoint(EXT, StoreLimits.NONE).client(StoreClientConfig.DEFAULT.withCompression("snappy"));
    List<StoreSeries> got = fetch(c, request(T0, T_END, ALL).build());
    assertThat(decodeAll(got, T0, T_END))
        .containsExactlyElementsOf(answer(List.of(ALL), T0, T_END));
  }

  // --- empty answers -------------------------------------------------------------------------

  @Test
  void unknownMetricGivesAnEmptyStream() {
    try (SeriesStream s =
        client().series(request(T0, T_END, Matcher.equal("__name__", "nope")).build())) {
      assertThat(s.next()).isFalse();
      assertThat(s.warnings()).isEmpty();
    }
  }

  @Test
  void externalLabelMismatchGivesAnEmptyStreamNotAnError() {
    assertThat(fetch(client(), request(T0, T_END, ALL, Matcher.equal("region", "us")).build()))
        .isEmpty();
    assertThat(fetch(client(), request(T0, T_END, ALL, Matcher.notRegex("region", "e.*")).build()))
        .isEmpty();
    // The stored value is hidden by the external one: region="local" cannot match.
    assertThat(
            fetch(
                client(),
                request(T0, T_END, Matcher.equal("job", "api"), Matcher.equal("region", "local"))
                    .build()))
        .isEmpty();
  }

  @Test
  void onlyExternalLabelMatchersAreInvalid() {
    assertCode(
        Status.Code.INVALID_ARGUMENT,
        () -> fetch(client(), request(T0, T_END, Matcher.equal("region", "eu")).build()));
    assertCode(
        Status.Code.INVALID_ARGUMENT,
        () -> fetch(client(), request(T0, T_END, Matcher.regex("region", ".*")).build()));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> fetch(client(), request(T0, T_END).build()));
  }

  @Test
  void invalidRegexIsInvalidArgument() {
    assertCode(
        Status.Code.INVALID_ARGUMENT,
        () ->
            fetch(
                client(),
                request(T0, T_END, Matcher.equal("__name__", "x"))
                    .addMatchers(
                        io.jthanos.proto.store.LabelMatcher.newBuilder()
                            .setType(io.jthanos.proto.store.LabelMatcher.Type.RE)
                            .setName("job")
                            .setValue("("))
                    .build()));
  }

  // --- matcher edge cases --------------------------------------------------------------------

  @Test
  void regexMatchingEverythingIsANoOp() {
    Matcher up = Matcher.equal("__name__", "contract_up");
    assertAnswer(T0, T_END, up, Matcher.regex("job", ".*"));
    assertThat(answer(List.of(up, Matcher.regex("job", ".*")), T0, T_END)).hasSize(3);
  }

  @Test
  void notEqualEmptySelectsSeriesHavingTheLabel() {
    assertAnswer(T0, T_END, ALL, Matcher.notEqual("job", ""));
    assertThat(answer(List.of(ALL, Matcher.notEqual("job", "")), T0, T_END)).hasSize(7);
  }

  @Test
  void equalEmptySelectsSeriesLackingTheLabel() {
    assertAnswer(T0, T_END, ALL, Matcher.equal("job", ""));
    assertThat(answer(List.of(ALL, Matcher.equal("job", "")), T0, T_END)).hasSize(6);
  }

  @Test
  void regexOnExternalLabelsIsDecidedLocally() {
    Matcher up = Matcher.equal("__name__", "contract_up");
    assertAnswer(T0, T_END, up, Matcher.regex("region", "e.*"));
    assertAnswer(
        T0, T_END, Matcher.regex("__name__", "contract_prefix"), Matcher.regex("replica", "r1|r2"));
    assertThat(fetch(client(), request(T0, T_END, up, Matcher.regex("replica", "r[2-9]")).build()))
        .isEmpty();
  }

  @Test
  void nameRegexMatchingEmptySelectsEverything() {
    assertAnswer(T0, T_END, Matcher.regex("__name__", ".*"));
  }

  @Test
  void setRegexAndNegativeRegex() {
    assertAnswer(T0, T_END, Matcher.regex("__name__", "contract_up|contract_nojob"));
    assertAnswer(T0, T_END, ALL, Matcher.notRegex("job", "api|db"));
  }

  @Test
  void unicodeValuesSortByUtf8Bytes() {
    assertAnswer(T0, T_END, Matcher.regex("job", "api|\u00fc\u2713"));
  }

  // --- time ranges ---------------------------------------------------------------------------

  @Test
  void rangeEndingOnTheFirstSample() {
    assertAnswer(T0 - 60_000, T0, ALL);
    assertThat(answer(List.of(ALL), T0 - 60_000, T0))
        .allSatisfy(s -> assertThat(s.ts()).containsExactly(T0));
  }

  @Test
  void rangeStartingOnTheLastSample() {
    assertAnswer(T_END, T_END + 60_000, ALL);
    assertThat(answer(List.of(ALL), T_END, T_END + 60_000))
        .allSatisfy(s -> assertThat(s.ts()).containsExactly(T_END));
  }

  @Test
  void rangesJustOutsideTheDataAreEmpty() {
    assertThat(fetch(client(), request(T0 - 60_000, T0 - 1, ALL).build())).isEmpty();
    assertThat(fetch(client(), request(T_END + 1, T_END + 60_000, ALL).build())).isEmpty();
  }

  @Test
  void singleMillisecondOnABlockBoundary() {
    assertAnswer(BLOCK_BOUNDARY, BLOCK_BOUNDARY, ALL);
    assertAnswer(BLOCK_BOUNDARY - 1, BLOCK_BOUNDARY, ALL);
    assertThat(answer(List.of(ALL), BLOCK_BOUNDARY, BLOCK_BOUNDARY)).hasSize(11);
  }

  @Test
  void rangeInsideTheData() {
    assertAnswer(T0 + 1_234_567, T0 + 5_432_100, ALL);
  }

  // --- without_replica_labels, sharding, limit -------------------------------------------------

  @Test
  void withoutReplicaLabelsDropsThemAndSortsWithoutThem() {
    for (Set<String> removed : List.of(Set.of("replica"), Set.of("region", "replica"))) {
      SeriesRequest r =
          request(T0, T_END, ALL).addAllWithoutReplicaLabels(new TreeSet<>(removed)).build();
      List<StoreSeries> got = fetch(client(), r);
      assertSorted(got);
      assertThat(decodeAll(got, T0, T_END))
          .containsExactlyElementsOf(answer(List.of(ALL), T0, T_END, EXT, removed));
    }
  }

  @Test
  void shardsPartitionTheAnswerByLabelHash() {
    List<ExpectedSeries> all = answer(List.of(ALL), T0, T_END);
    for (boolean by : new boolean[] {true, false}) {
      List<String> names = by ? List.of("job", "instance") : List.of("replica");
      List<ExpectedSeries> union = new ArrayList<>();
      for (int shard = 0; shard < 3; shard++) {
        ShardInfo info =
            ShardInfo.newBuilder()
                .setShardIndex(shard)
                .setTotalShards(3)
                .setBy(by)
                .addAllLabels(names)
                .build();
        List<StoreSeries> got = fetch(client(), request(T0, T_END, ALL).setShardInfo(info).build());
        assertSorted(got);
        for (StoreSeries s : got) {
          Set<String> selected = new HashSet<>();
          for (int i = 0; i < s.labels().size(); i++) {
            String n = s.labels().name(i);
            if (by ? names.contains(n) : !names.contains(n) && !n.equals("__name__")) {
              selected.add(n);
            }
          }
          assertThat(Long.remainderUnsigned(s.labels().keep(selected).hash(), 3)).isEqualTo(shard);
        }
        union.addAll(decodeAll(got, T0, T_END));
      }
      union.sort((a, b) -> Labels.compare(a.labels(), b.labels()));
      assertThat(union).containsExactlyElementsOf(all);
    }
  }

  @Test
  void requestLimitCapsTheSeriesCount() {
    List<StoreSeries> got = fetch(client(), request(T0, T_END, ALL).setLimit(3).build());
    assertThat(got).hasSizeBetween(1, 3);
    assertSorted(got);
    assertThat(answer(List.of(ALL), T0, T_END)).containsAll(decodeAll(got, T0, T_END));
  }

  // --- cancellation --------------------------------------------------------------------------

  @Test
  void cancellingMidStreamLeavesTheServerHealthy() {
    StoreClient c = client();
    for (int i = 0; i < 3; i++) {
      try (SeriesStream s = c.series(request(T0, T_END, ALL).build())) {
        assertThat(s.next()).isTrue();
      }
    }
    awaitRequestsReleased();
    assertAnswer(T0, T_END, ALL);
  }

  // --- limits --------------------------------------------------------------------------------

  @Test
  void seriesLimitIsResourceExhausted() {
    org.junit.jupiter.api.Assumptions.assumeTrue(supportsLimits(), "server has no limits");
    StoreClient c = endpoint(EXT, new StoreLimits(2, 0, 0)).client();
    assertThatThrownBy(() -> fetch(c, request(T0, T_END, ALL).build()))
        .isInstanceOf(StoreApiException.class)
        .hasMessageContaining("exceeded series limit")
        .satisfies(
            e ->
                assertThat(((StoreApiException) e).code())
                    .isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    assertThat(fetch(c, request(T0, T_END, Matcher.equal("__name__", "contract_edge")).build()))
        .hasSize(2);
  }

  @Test
  void samplesLimitIsResourceExhausted() {
    org.junit.jupiter.api.Assumptions.assumeTrue(supportsLimits(), "server has no limits");
    StoreClient c = endpoint(EXT, new StoreLimits(0, 240, 0)).client();
    assertThatThrownBy(() -> fetch(c, request(T0, T_END, ALL).build()))
        .isInstanceOf(StoreApiException.class)
        .hasMessageContaining("exceeded chunks limit")
        .satisfies(
            e ->
                assertThat(((StoreApiException) e).code())
                    .isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    assertThat(fetch(c, request(T0, T_END, Matcher.equal("__name__", "contract_edge")).build()))
        .hasSize(2);
  }

  @Test
  void bytesLimitIsResourceExhausted() {
    org.junit.jupiter.api.Assumptions.assumeTrue(supportsLimits(), "server has no limits");
    StoreClient c = endpoint(EXT, new StoreLimits(0, 0, 4096)).client();
    assertThatThrownBy(() -> fetch(c, request(T0, T_END, ALL).build()))
        .isInstanceOf(StoreApiException.class)
        .hasMessageContaining("exceeded bytes limit")
        .satisfies(
            e ->
                assertThat(((StoreApiException) e).code())
                    .isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    assertThat(fetch(c, request(T0, T_END, Matcher.equal("__name__", "contract_edge")).build()))
        .hasSize(2);
  }

  @Test
  void generousLimitsDoNotChangeTheAnswer() {
    org.junit.jupiter.api.Assumptions.assumeTrue(supportsLimits(), "server has no limits");
    StoreClient c = endpoint(EXT, new StoreLimits(1000, 10_000_000, 1L << 30)).client();
    assertThat(decodeAll(fetch(c, request(T0, T_END, ALL).build()), T0, T_END))
        .containsExactlyElementsOf(answer(List.of(ALL), T0, T_END));
  }

  // --- LabelNames / LabelValues --------------------------------------------------------------

  private static LabelNamesRequest.Builder names(long start, long end, Matcher... ms) {
    return LabelNamesRequest.newBuilder()
        .setStart(start)
        .setEnd(end)
        .addAllMatchers(StoreProtos.toProtoMatchers(List.of(ms)));
  }

  private static LabelValuesRequest.Builder values(
      String label, long start, long end, Matcher... ms) {
    return LabelValuesRequest.newBuilder()
        .setLabel(label)
        .setStart(start)
        .setEnd(end)
        .addAllMatchers(StoreProtos.toProtoMatchers(List.of(ms)));
  }

  private List<String> expectedNames(List<Matcher> ms, Set<String> removed) {
    TreeSet<String> out = new TreeSet<>(Labels::compareStrings);
    for (ExpectedSeries s : answer(ms, T0, T_END, EXT, removed)) {
      for (int i = 0; i < s.labels().size(); i++) {
        out.add(s.labels().name(i));
      }
    }
    return new ArrayList<>(out);
  }

  @Test
  void labelNamesIncludeExternalLabels() {
    assertThat(client().labelNames(names(T0, T_END).build()).values())
        .containsExactlyElementsOf(expectedNames(List.of(), Set.of()));
    Matcher prefix = Matcher.equal("__name__", "contract_prefix");
    assertThat(client().labelNames(names(T0, T_END, prefix).build()).values())
        .containsExactly("__name__", "a", "b", "region", "replica", "zone");
    assertThat(
            client()
                .labelNames(names(T0, T_END, prefix).addWithoutReplicaLabels("replica").build())
                .values())
        .containsExactly("__name__", "a", "b", "region", "zone");
    assertThat(client().labelNames(names(T0, T_END, prefix).setLimit(2).build()).values())
        .containsExactly("__name__", "a");
  }

  @Test
  void labelNamesOutsideTheDataOrExternalMismatchAreEmpty() {
    assertThat(client().labelNames(names(T_END + 1, T_END + 60_000).build()).values()).isEmpty();
    assertThat(
            client().labelNames(names(T0, T_END, Matcher.equal("region", "us")).build()).values())
        .isEmpty();
  }

  @Test
  void labelValues() {
    assertThat(client().labelValues(values("job", T0, T_END).build()).values())
        .containsExactly("api", "db", "\u00fc\u2713");
    assertThat(
            client()
                .labelValues(
                    values("job", T0, T_END, Matcher.equal("__name__", "contract_up")).build())
                .values())
        .containsExactly("api", "db");
    assertThat(client().labelValues(values("instance", T0, T_END).setLimit(1).build()).values())
        .containsExactly("a");
    assertThat(client().labelValues(values("job", T_END + 1, T_END + 60_000).build()).values())
        .isEmpty();
  }

  @Test
  void labelValuesOfExternalLabelsAreTheExternalValue() {
    assertThat(client().labelValues(values("region", T0, T_END).build()).values())
        .containsExactly("eu");
    assertThat(
            client()
                .labelValues(
                    values("replica", T0, T_END).addWithoutReplicaLabels("replica").build())
                .values())
        .isEmpty();
    assertThat(
            client()
                .labelValues(values("job", T0, T_END, Matcher.equal("region", "us")).build())
                .values())
        .isEmpty();
  }

  @Test
  void labelValuesNeedsALabelName() {
    assertCode(
        Status.Code.INVALID_ARGUMENT, () -> client().labelValues(values("", T0, T_END).build()));
  }

  /** Sanity check of the suite's own expectations (catches a broken data set, not a server). */
  @Test
  void contractDataIsWhatTheSuiteAssumes() {
    assertThat(expected()).hasSize(13);
    assertThat(answer(List.of(ALL), T0, T_END)).hasSize(13);
    assertThat(Arrays.stream(expected().getFirst().ts()).min().orElseThrow())
        .isGreaterThanOrEqualTo(T0);
  }
}
