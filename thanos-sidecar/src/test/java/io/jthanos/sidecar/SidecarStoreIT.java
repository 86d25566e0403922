package io.jthanos.sidecar;

import static io.jthanos.storeapi.testing.ContractData.T0;
import static io.jthanos.storeapi.testing.ContractData.T_END;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jthanos.config.TimeOrDuration;
import io.jthanos.proto.exemplars.ExemplarData;
import io.jthanos.proto.exemplars.ExemplarsGrpc;
import io.jthanos.proto.exemplars.ExemplarsRequest;
import io.jthanos.proto.exemplars.ExemplarsResponse;
import io.jthanos.proto.info.InfoResponse;
import io.jthanos.proto.metadata.MetadataGrpc;
import io.jthanos.proto.metadata.MetricMetadataRequest;
import io.jthanos.proto.metadata.MetricMetadataResponse;
import io.jthanos.proto.prometheus.ChunkedReadResponse;
import io.jthanos.proto.prometheus.ChunkedSeries;
import io.jthanos.proto.prometheus.LabelMatcher;
import io.jthanos.proto.prometheus.Query;
import io.jthanos.proto.prometheus.ReadRequest;
import io.jthanos.proto.rules.Alert;
import io.jthanos.proto.rules.AlertState;
import io.jthanos.proto.rules.RuleGroup;
import io.jthanos.proto.rules.RulesGrpc;
import io.jthanos.proto.rules.RulesRequest;
import io.jthanos.proto.rules.RulesResponse;
import io.jthanos.proto.store.SeriesRequest;
import io.jthanos.proto.targets.ActiveTarget;
import io.jthanos.proto.targets.TargetHealth;
import io.jthanos.proto.targets.TargetsGrpc;
import io.jthanos.proto.targets.TargetsRequest;
import io.jthanos.proto.targets.TargetsResponse;
import io.jthanos.server.Probes;
import io.jthanos.sidecar.promclient.HttpClientConfig;
import io.jthanos.sidecar.promclient.PrometheusClient;
import io.jthanos.storeapi.StoreChunk;
import io.jthanos.storeapi.StoreClient;
import io.jthanos.storeapi.StoreLimits;
import io.jthanos.storeapi.StoreProtos;
import io.jthanos.storeapi.StoreSeries;
import io.jthanos.storeapi.testing.ExpectedSeries;
import io.jthanos.storeapi.testing.LoopbackServer;
import io.jthanos.storeapi.testing.StoreApiContractTest;
import io.jthanos.storeapi.testing.StoreEndpoint;
import io.jthanos.testing.prometheus.PrometheusServer;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.LabelsBuilder;
import io.jthanos.tsdb.labels.Matcher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.xerial.snappy.Snappy;

/**
 * The sidecar's StoreAPI and gRPC APIs against a real Prometheus 2.42 (the shared contract server):
 * the StoreAPI contract suite over the promtool-made contract blocks, then Series, labels, chunk
 * bytes, Info, rules, targets, metadata and exemplars compared with Prometheus' own HTTP API and
 * remote read. The services are the ones the sidecar process composes, served in-process on
 * loopback (the process itself is covered by the other ITs).
 */
class SidecarStoreIT extends StoreApiContractTest {
  @RegisterExtension static final Servers SERVERS = new Servers();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Labels EXT_P1 = Labels.of("region", "eu", "replica", "r1");

  private PrometheusServer prom;
  private LoopbackServer grpc;
  private StoreClient client;

  @BeforeAll
  void startPrometheus() throws Exception {
    prom = SERVERS.get().contract();
    grpc = serve(StoreLimits.NONE, TimeOrDuration.MIN);
    client = grpc.client();
    // Wait until the scrapes, rules and exemplars have produced data to compare.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!ready()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("contract Prometheus has no data:\n" + prom.logTail());
      }
      Thread.sleep(200); // polling Prometheus
    }
  }

  /** Scrapes, rules and exemplars have data a few seconds in the past (the compared windows). */
  private boolean ready() throws Exception {
    String at = "&time=" + PrometheusServer.seconds(System.currentTimeMillis() - 6_000);
    JsonNode up = api("/api/v1/query?query=" + enc("count(up == 1) >= 2") + at);
    JsonNode rule = api("/api/v1/query?query=" + enc("contract:up:sum") + at);
    JsonNode ex =
        api(
            "/api/v1/query_exemplars?query="
                + enc("exemplar_requests_total")
                + "&start="
                + (System.currentTimeMillis() / 1000 - 600)
                + "&end="
                + (System.currentTimeMillis() / 1000 + 1));
    return up.path("result").size() > 0 && rule.path("result").size() > 0 && ex.size() > 0;
  }

  /** The sidecar's gRPC services over the contract Prometheus, in-process on loopback. */
  private LoopbackServer serve(StoreLimits limits, TimeOrDuration minTime) throws IOException {
    PrometheusClient c = new PrometheusClient(prom.baseUri(), HttpClientConfig.DEFAULT, "test");
    SimpleMeterRegistry reg = new SimpleMeterRegistry();
    PrometheusState state =
        new PrometheusState(
            c,
            minTime,
            Duration.ofMinutes(1),
            Duration.ofSeconds(1),
            Duration.ofSeconds(10),
            new Probes("sidecar", reg),
            reg,
            Clock.systemUTC());
    state.update();
    Sidecar.Services s = Sidecar.services(c, state, limits, () -> true, reg);
    return LoopbackServer.start(
        s.store(), s.info(), s.rules(), s.targets(), s.metadata(), s.exemplars());
  }

  @Override
  protected StoreEndpoint start(Labels externalLabels, StoreLimits limits) throws Exception {
    assertThat(externalLabels).isEqualTo(EXT_P1);
    return serve(limits, TimeOrDuration.MIN);
  }

  // --- helpers ---------------------------------------------------------------------------------

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private JsonNode api(String pathAndQuery) throws IOException, InterruptedException {
    JsonNode root = JSON.readTree(prom.get(pathAndQuery));
    assertThat(root.path("status").asText()).isEqualTo("success");
    return root.path("data");
  }

  private static Labels labels(JsonNode obj) {
    LabelsBuilder b = new LabelsBuilder();
    obj.fields().forEachRemaining(e -> b.set(e.getKey(), e.getValue().asText()));
    return b.build();
  }

  /** What the sidecar answers for a Prometheus series: external labels merged in, winning. */
  private static Labels withExt(Labels l) {
    return io.jthanos.storeapi.ExternalLabels.merge(l, EXT_P1, Set.of());
  }

  private static Labels withoutExt(Labels l) {
    return l.without(Set.of("region", "replica"));
  }

  /** A fixed window of head data, ending in the past so that both answers see the same series. */
  private static long[] recentWindow() {
    long end = System.currentTimeMillis() - 5_000;
    return new long[] {end - 60_000, end};
  }

  // --- Series equals Prometheus ----------------------------------------------------------------

  @Test
  void seriesEqualPrometheusSeriesApiForScrapedAndBlockData() throws Exception {
    long[][] ranges = {recentWindow(), {T0, T_END}};
    for (long[] r : ranges) {
      JsonNode data =
          api(
              "/api/v1/series?match[]="
                  + enc("{__name__=~\".+\"}")
                  + "&start="
                  + PrometheusServer.seconds(r[0])
                  + "&end="
                  + PrometheusServer.seconds(r[1]));
      List<Labels> want = new ArrayList<>();
      data.forEach(n -> want.add(withExt(labels(n))));
      want.sort(Labels::compare);
      assertThat(want).hasSizeGreaterThan(10);

      SeriesRequest.Builder req =
          SeriesRequest.newBuilder()
              .setMinTime(r[0])
              .setMaxTime(r[1])
              .addAllMatchers(
                  StoreProtos.toProtoMatchers(List.of(Matcher.regex("__name__", ".+"))));
      List<StoreSeries> labelsOnly = fetch(client, req.setSkipChunks(true).build());
      assertThat(labelsOnly).allSatisfy(s -> assertThat(s.labels().get("region")).isEqualTo("eu"));
      assertThat(labelsOnly).extracting(StoreSeries::labels).containsExactlyElementsOf(want);

      List<StoreSeries> full = fetch(client, req.setSkipChunks(false).build());
      assertThat(full).extracting(StoreSeries::labels).containsExactlyElementsOf(want);
      assertThat(full).allSatisfy(s -> assertThat(s.chunks()).isNotEmpty());
    }
  }

  @Test
  void samplesEqualPrometheusRangeVectorAnswers() throws Exception {
    long t = System.currentTimeMillis() - 5_000;
    String[] selectors = {
      "up", "prometheus_tsdb_head_series", "exemplar_requests_total", "contract:up:sum"
    };
    for (String sel : selectors) {
      compareWithRangeQuery(sel, t, 120_000);
    }
    compareWithRangeQuery("{__name__=~\"contract_.+\"}", T_END, 9_000_000);
  }

  /** {@code sel[range]} at {@code t} from Prometheus (2.x: [t - range, t]) vs the sidecar. */
  private void compareWithRangeQuery(String sel, long t, long range) throws Exception {
    JsonNode data =
        api(
            "/api/v1/query?query="
                + enc(sel + "[" + range / 1000 + "s]")
                + "&time="
                + PrometheusServer.seconds(t));
    Map<Labels, List<String>> want = new TreeMap<>(Labels::compare);
    for (JsonNode s : data.path("result")) {
      List<String> pts = new ArrayList<>();
      s.path("values")
          .forEach(
              v ->
                  pts.add(
                      v.get(0).decimalValue().movePointRight(3).longValue()
                          + "="
                          + v.get(1).asText()));
      want.put(withExt(labels(s.path("metric"))), pts);
    }
    assertThat(want).as(sel).isNotEmpty();

    List<Matcher> ms =
        io.jthanos.promql.parser.Parser.parseMetricSelector(
            sel, io.jthanos.promql.parser.ParserOptions.DEFAULT);
    SeriesRequest req =
        SeriesRequest.newBuilder()
            .setMinTime(t - range)
            .setMaxTime(t)
            .addAllMatchers(StoreProtos.toProtoMatchers(ms))
            .build();
    Map<Labels, List<String>> got = new TreeMap<>(Labels::compare);
    for (StoreSeries s : fetch(client, req)) {
      ExpectedSeries e = decode(s, t - range, t);
      List<String> pts = new ArrayList<>();
      for (int i = 0; i < e.ts().length; i++) {
        pts.add(e.ts()[i] + "=" + goFloat(e.vs()[i]));
      }
      if (!pts.isEmpty()) {
        got.put(s.labels(), pts);
      }
    }
    assertThat(got).as(sel).isEqualTo(want);
  }

  /** Prometheus' JSON float formatting for the values the test data uses. */
  private static String goFloat(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    String s = new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString();
    return s;
  }

  // --- chunk bytes ----------------------------------------------------------------------------

  @Test
  void chunkBytesArriveExactlyAsPrometheusSentThem() throws Exception {
    Matcher m = Matcher.regex("__name__", "contract_.+|up|prometheus_http_requests_total");
    long[] recent = recentWindow();
    long[][] ranges = {{T0, T_END}, {recent[0] - 600_000, recent[1]}};
    int compared = 0;
    for (long[] r : ranges) {
      List<StoreSeries> got =
          fetch(
              client,
              SeriesRequest.newBuilder()
                  .setMinTime(r[0])
                  .setMaxTime(r[1])
                  .addAllMatchers(StoreProtos.toProtoMatchers(List.of(m)))
                  .build());
      Map<Labels, List<io.jthanos.proto.prometheus.Chunk>> direct = remoteRead(r[0], r[1], m);
      assertThat(got).hasSize(direct.size());
      for (StoreSeries s : got) {
        List<io.jthanos.proto.prometheus.Chunk> want = direct.get(withoutExt(s.labels()));
        assertThat(want).as("%s", s.labels()).isNotNull();
        List<StoreChunk> chunks = s.chunks();
        // The open head chunk may have grown between the two reads: compare all but the last.
        int n = r[0] == T0 ? chunks.size() : chunks.size() - 1;
        for (int i = 0; i < n; i++) {
          StoreChunk c = chunks.get(i);
          io.jthanos.proto.prometheus.Chunk w = want.get(i);
          assertThat(c.minTime()).isEqualTo(w.getMinTimeMs());
          assertThat(c.maxTime()).isEqualTo(w.getMaxTimeMs());
          assertThat(c.raw().encoding().code()).isEqualTo(w.getTypeValue());
          assertThat(c.raw().data().toByteArray()).isEqualTo(w.getData().toByteArray());
          compared++;
        }
      }
    }
    assertThat(compared).isGreaterThan(20);
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  /** Prometheus' own streamed remote read, decoded with protobuf-java, ext labels removed. */
  private Map<Labels, List<io.jthanos.proto.prometheus.Chunk>> remoteRead(
      long mint, long maxt, Matcher m) throws Exception {
    ReadRequest rr =
        ReadRequest.newBuilder()
            .addQueries(
                Query.newBuilder()
                    .setStartTimestampMs(mint)
                    .setEndTimestampMs(maxt)
                    .addMatchers(
                        LabelMatcher.newBuilder()
                            .setType(LabelMatcher.Type.RE)
                            .setName(m.name())
                            .setValue(m.value())))
            .addAcceptedResponseTypes(ReadRequest.ResponseType.STREAMED_XOR_CHUNKS)
            .build();
    HttpResponse<InputStream> resp =
        HTTP.send(
            HttpRequest.newBuilder(prom.baseUri().resolve("/api/v1/read"))
                .header("Content-Encoding", "snappy")
                .header("Content-Type", "application/x-protobuf")
                .header("X-Prometheus-Remote-Read-Version", "0.1.0")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Snappy.compress(rr.toByteArray())))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(resp.statusCode()).isEqualTo(200);
    Map<Labels, List<io.jthanos.proto.prometheus.Chunk>> out = new HashMap<>();
    try (DataInputStream in = new DataInputStream(resp.body())) {
      while (true) {
        int first = in.read();
        if (first < 0) {
          break;
        }
        long len = first & 0x7f;
        int shift = 7;
        int b = first;
        while ((b & 0x80) != 0) {
          b = in.read();
          len |= (long) (b & 0x7f) << shift;
          shift += 7;
        }
        in.readInt(); // checksum, verified by the sidecar's reader
        byte[] msg = in.readNBytes((int) len);
        for (ChunkedSeries cs : ChunkedReadResponse.parseFrom(msg).getChunkedSeriesList()) {
          LabelsBuilder lb = new LabelsBuilder();
          cs.getLabelsList().forEach(l -> lb.set(l.getName(), l.getValue()));
          out.computeIfAbsent(withoutExt(lb.build()), k -> new ArrayList<>())
              .addAll(cs.getChunksList());
        }
      }
    }
    return out;
  }

  // --- labels, Info
  // -------------------------------------------------------------------------------

  @Test
  void labelNamesAndValuesEqualPrometheusPlusExternalLabels() throws Exception {
    long[] r = recentWindow();
    String range =
        "&start=" + PrometheusServer.seconds(r[0]) + "&end=" + PrometheusServer.seconds(r[1]);
    List<String> want = new ArrayList<>();
    api("/api/v1/labels?match[]=" + enc("{job=\"prometheus\"}") + range)
        .forEach(n -> want.add(n.asText()));
    want.add("region");
    want.add("replica");
    want.sort(String::compareTo);
    assertThat(
            client
                .labelNames(
                    io.jthanos.proto.store.LabelNamesRequest.newBuilder()
                        .setStart(r[0])
                        .setEnd(r[1])
                        .addAllMatchers(
                            StoreProtos.toProtoMatchers(
                                List.of(Matcher.equal("job", "prometheus"))))
                        .build())
                .values())
        .containsExactlyElementsOf(want);

    List<String> jobs = new ArrayList<>();
    api("/api/v1/label/job/values?match[]=" + enc("up") + range).forEach(n -> jobs.add(n.asText()));
    assertThat(jobs).containsExactly("exemplars", "prometheus");
    assertThat(
            client
                .labelValues(
                    io.jthanos.proto.store.LabelValuesRequest.newBuilder()
                        .setLabel("job")
                        .setStart(r[0])
                        .setEnd(r[1])
                        .addAllMatchers(
                            StoreProtos.toProtoMatchers(List.of(Matcher.equal("__name__", "up"))))
                        .build())
                .values())
        .containsExactlyElementsOf(jobs);
  }

  @Test
  void infoMinTimeIsPrometheusLowestTimestampRaisedByMinTimeFlag() throws Exception {
    InfoResponse info = client.info();
    assertThat(info.getComponentType()).isEqualTo("sidecar");
    assertThat(info.getStore().getMinTime()).isEqualTo(T0);
    assertThat(info.getStore().getMaxTime()).isEqualTo(Long.MAX_VALUE);
    assertThat(info.getLabelSetsList()).extracting(StoreProtos::labels).containsExactly(EXT_P1);
    assertThat(info.hasRules()).isTrue();
    assertThat(info.hasTargets()).isTrue();
    assertThat(info.hasMetricMetadata()).isTrue();
    assertThat(info.getExemplars().getMinTime()).isEqualTo(Long.MIN_VALUE);

    long limit = T0 + 3_600_000;
    try (LoopbackServer s =
        serve(StoreLimits.NONE, TimeOrDuration.at(java.time.Instant.ofEpochMilli(limit)))) {
      StoreClient c = s.client();
      assertThat(c.info().getStore().getMinTime()).isEqualTo(limit);
      List<StoreSeries> got =
          fetch(
              c,
              SeriesRequest.newBuilder()
                  .setMinTime(T0)
                  .setMaxTime(T_END)
                  .addAllMatchers(
                      StoreProtos.toProtoMatchers(
                          List.of(Matcher.equal("__name__", "contract_edge"))))
                  .build());
      // Only the series with a sample after --min-time is left.
      assertThat(got).extracting(x -> x.labels().get("edge")).containsExactly("last");
    }
  }

  // --- rules, targets, metadata, exemplars
  // --------------------------------------------------------

  @Test
  void rulesAreServedWithExternalLabels() throws Exception {
    Iterator<RulesResponse> it =
        RulesGrpc.newBlockingStub(grpc.client().channel())
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .rules(RulesRequest.getDefaultInstance());
    List<RuleGroup> groups = new ArrayList<>();
    it.forEachRemaining(r -> groups.add(r.getGroup()));
    JsonNode want = api("/api/v1/rules").path("groups");
    assertThat(groups).hasSize(want.size());
    RuleGroup g = groups.get(0);
    assertThat(g.getName()).isEqualTo("contract");
    assertThat(g.getFile()).isEqualTo(want.get(0).path("file").asText());
    assertThat(g.getInterval()).isEqualTo(1.0);
    assertThat(g.getRulesCount()).isEqualTo(2);
    assertThat(StoreProtos.labels(g.getRules(0).getRecording().getLabels()))
        .isEqualTo(Labels.of("source", "recording", "region", "eu", "replica", "r1"));
    Alert a = g.getRules(1).getAlert();
    assertThat(a.getName()).isEqualTo("ContractAlwaysFiring");
    assertThat(a.getState()).isEqualTo(AlertState.FIRING);
    assertThat(a.getAlertsCount()).isEqualTo(1);
    assertThat(StoreProtos.labels(a.getAlerts(0).getLabels()))
        .isEqualTo(
            Labels.of(
                "alertname",
                "ContractAlwaysFiring",
                "severity",
                "none",
                "region",
                "eu",
                "replica",
                "r1"));
    assertThat(StoreProtos.labels(a.getAnnotations()))
        .isEqualTo(Labels.of("summary", "always firing"));
    assertThat(a.getAlerts(0).getActiveAt().getSeconds()).isGreaterThan(0);
    assertThat(a.getLastEvaluation().getSeconds()).isGreaterThan(0);

    List<RuleGroup> onlyRecording = new ArrayList<>();
    RulesGrpc.newBlockingStub(grpc.client().channel())
        .rules(RulesRequest.newBuilder().setType(RulesRequest.Type.RECORD).build())
        .forEachRemaining(r -> onlyRecording.add(r.getGroup()));
    assertThat(onlyRecording.get(0).getRulesList()).allMatch(r -> r.hasRecording());

    List<RuleGroup> byMatcher = new ArrayList<>();
    RulesGrpc.newBlockingStub(grpc.client().channel())
        .rules(RulesRequest.newBuilder().addMatcherString("{severity=\"none\"}").build())
        .forEachRemaining(r -> byMatcher.add(r.getGroup()));
    assertThat(byMatcher).hasSize(1);
    assertThat(byMatcher.get(0).getRulesList()).hasSize(1).allMatch(r -> r.hasAlert());
  }

  @Test
  void targetsAreServedWithExternalLabels() throws Exception {
    Iterator<TargetsResponse> it =
        TargetsGrpc.newBlockingStub(grpc.client().channel())
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .targets(TargetsRequest.getDefaultInstance());
    TargetsResponse r = it.next();
    assertThat(it.hasNext()).isFalse();
    List<ActiveTarget> active = r.getTargets().getActiveTargetsList();
    assertThat(active).hasSize(api("/api/v1/targets").path("activeTargets").size()).hasSize(2);
    assertThat(active).allMatch(t -> t.getHealth() == TargetHealth.UP);
    assertThat(active)
        .extracting(t -> StoreProtos.labels(t.getLabels()).get("job"))
        .containsExactlyInAnyOrder("prometheus", "exemplars");
    assertThat(active)
        .allSatisfy(
            t -> {
              assertThat(StoreProtos.labels(t.getLabels()).get("region")).isEqualTo("eu");
              assertThat(StoreProtos.labels(t.getDiscoveredLabels()).get("replica"))
                  .isEqualTo("r1");
              assertThat(t.getScrapeUrl()).startsWith("http://127.0.0.1:");
              assertThat(t.getLastScrape().getSeconds()).isGreaterThan(0);
            });
  }

  @Test
  void metadataIsServed() throws Exception {
    Iterator<MetricMetadataResponse> it =
        MetadataGrpc.newBlockingStub(grpc.client().channel())
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .metricMetadata(
                MetricMetadataRequest.newBuilder()
                    .setMetric("exemplar_requests")
                    .setLimit(-1)
                    .build());
    MetricMetadataResponse r = it.next();
    var md = r.getMetadata().getMetadataMap().get("exemplar_requests");
    assertThat(md).isNotNull();
    assertThat(md.getMetas(0).getType()).isEqualTo("counter");
    assertThat(md.getMetas(0).getHelp()).isEqualTo("Requests served, with trace exemplars.");

    MetricMetadataResponse all =
        MetadataGrpc.newBlockingStub(grpc.client().channel())
            .metricMetadata(MetricMetadataRequest.newBuilder().setLimit(-1).build())
            .next();
    assertThat(all.getMetadata().getMetadataCount()).isEqualTo(api("/api/v1/metadata").size());
  }

  @Test
  void exemplarsAreServedWithExternalLabelsAndMillisecondTimestamps() throws Exception {
    long end = System.currentTimeMillis();
    long start = end - 600_000;
    Iterator<ExemplarsResponse> it =
        ExemplarsGrpc.newBlockingStub(grpc.client().channel())
            .withDeadlineAfter(30, TimeUnit.SECONDS)
            .exemplars(
                ExemplarsRequest.newBuilder()
                    .setQuery("exemplar_requests_total")
                    .setStart(start)
                    .setEnd(end)
                    .build());
    List<ExemplarData> got = new ArrayList<>();
    it.forEachRemaining(r -> got.add(r.getData()));
    JsonNode want =
        api(
            "/api/v1/query_exemplars?query="
                + enc("exemplar_requests_total")
                + "&start="
                + PrometheusServer.seconds(start)
                + "&end="
                + PrometheusServer.seconds(end));
    assertThat(got).hasSize(want.size()).hasSize(1);
    ExemplarData d = got.get(0);
    assertThat(StoreProtos.labels(d.getSeriesLabels()))
        .isEqualTo(
            Labels.of(
                "__name__",
                "exemplar_requests_total",
                "instance",
                SERVERS.get().target().address(),
                "job",
                "exemplars",
                "path",
                "/api",
                "region",
                "eu",
                "replica",
                "r1"));
    JsonNode first = want.get(0).path("exemplars").get(0);
    assertThat(d.getExemplarsCount()).isGreaterThanOrEqualTo(want.get(0).path("exemplars").size());
    assertThat(d.getExemplars(0).getTs())
        .isEqualTo(first.path("timestamp").decimalValue().movePointRight(3).longValue());
    assertThat(StoreProtos.labels(d.getExemplars(0).getLabels()).get("trace_id"))
        .startsWith("trace-");
    assertThat(d.getExemplars(0).getValue()).isEqualTo(1.0);
  }
}
