package io.jthanos.proto;

import static io.jthanos.proto.Golden.decode;
import static io.jthanos.proto.Wire.msg;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.MethodDescriptor.MethodType;
import io.jthanos.proto.exemplars.ExemplarsGrpc;
import io.jthanos.proto.exemplars.ExemplarsRequest;
import io.jthanos.proto.exemplars.ExemplarsResponse;
import io.jthanos.proto.hints.LabelNamesRequestHints;
import io.jthanos.proto.hints.LabelNamesResponseHints;
import io.jthanos.proto.hints.LabelValuesRequestHints;
import io.jthanos.proto.hints.LabelValuesResponseHints;
import io.jthanos.proto.hints.QueryStats;
import io.jthanos.proto.hints.SeriesRequestHints;
import io.jthanos.proto.hints.SeriesResponseHints;
import io.jthanos.proto.info.InfoGrpc;
import io.jthanos.proto.info.InfoRequest;
import io.jthanos.proto.info.InfoResponse;
import io.jthanos.proto.metadata.MetadataGrpc;
import io.jthanos.proto.metadata.MetricMetadataRequest;
import io.jthanos.proto.metadata.MetricMetadataResponse;
import io.jthanos.proto.rules.AlertState;
import io.jthanos.proto.rules.RuleGroup;
import io.jthanos.proto.rules.RuleGroups;
import io.jthanos.proto.rules.RulesGrpc;
import io.jthanos.proto.rules.RulesRequest;
import io.jthanos.proto.rules.RulesResponse;
import io.jthanos.proto.status.StatusGrpc;
import io.jthanos.proto.status.TSDBStatisticsEntry;
import io.jthanos.proto.status.TSDBStatisticsRequest;
import io.jthanos.proto.status.TSDBStatisticsResponse;
import io.jthanos.proto.store.PartialResponseStrategy;
import io.jthanos.proto.targets.ActiveTarget;
import io.jthanos.proto.targets.TargetHealth;
import io.jthanos.proto.targets.TargetsGrpc;
import io.jthanos.proto.targets.TargetsRequest;
import io.jthanos.proto.targets.TargetsResponse;
import org.junit.jupiter.api.Test;

/** Info, hints, Rules, Targets, Metadata, Exemplars and Status (spec sections 1.6, 1.7, 1.9). */
class ServicesWireTest {

  private static Wire labels(String... nv) {
    Wire set = msg();
    for (int i = 0; i < nv.length; i += 2) {
      set.msg(1, msg().str(1, nv[i]).str(2, nv[i + 1]));
    }
    return set;
  }

  @Test
  void info() {
    byte[] golden =
        msg()
            .msg(1, labels("replica", "a"))
            .str(2, "sidecar")
            .msg(
                3,
                msg()
                    .varint(1, 1000)
                    .varint(2, Long.MAX_VALUE)
                    .varint(3, 1)
                    .varint(5, 1)
                    .msg(6, msg().msg(1, labels("tenant", "t")).varint(2, 5).varint(3, 6))
                    .varint(7, 1))
            .msg(4, msg())
            .msg(5, msg())
            .msg(6, msg())
            .msg(7, msg().varint(1, 10).varint(2, 20))
            .msg(8, msg())
            .msg(9, msg())
            .bytes();
    InfoResponse r = decode(golden, InfoResponse.parser());
    assertThat(r.getLabelSets(0).getLabels(0).getName()).isEqualTo("replica");
    assertThat(r.getComponentType()).isEqualTo("sidecar");
    assertThat(r.getStore().getMinTime()).isEqualTo(1000);
    assertThat(r.getStore().getMaxTime()).isEqualTo(Long.MAX_VALUE);
    assertThat(r.getStore().getSupportsSharding()).isTrue();
    assertThat(r.getStore().getSupportsWithoutReplicaLabels()).isTrue();
    assertThat(r.getStore().getTsdbInfos(0).getLabels().getLabels(0).getValue()).isEqualTo("t");
    assertThat(r.getStore().getTsdbInfos(0).getMaxTime()).isEqualTo(6);
    assertThat(r.getStore().getSupportsProjections()).isTrue();
    assertThat(r.hasRules()).isTrue();
    assertThat(r.hasMetricMetadata()).isTrue();
    assertThat(r.hasTargets()).isTrue();
    assertThat(r.getExemplars().getMaxTime()).isEqualTo(20);
    assertThat(r.hasQuery()).isTrue();
    assertThat(r.hasStatus()).isTrue();
    // Absent sub-messages mean "API not served".
    assertThat(decode(msg().str(2, "store").bytes(), InfoResponse.parser()).hasRules()).isFalse();
    assertThat(decode(new byte[0], InfoRequest.parser()))
        .isEqualTo(InfoRequest.getDefaultInstance());
    assertThat(InfoGrpc.getInfoMethod().getFullMethodName()).isEqualTo("thanos.info.Info/Info");
    assertThat(InfoResponse.getDescriptor().getFullName()).isEqualTo("thanos.info.InfoResponse");
  }

  @Test
  void hints() {
    Wire matcher = msg().varint(1, 1).str(2, "cluster").str(3, "eu");
    SeriesRequestHints sr =
        decode(msg().msg(1, matcher).varint(2, 1).bytes(), SeriesRequestHints.parser());
    assertThat(sr.getBlockMatchers(0).getName()).isEqualTo("cluster");
    assertThat(sr.getEnableQueryStats()).isTrue();
    assertThat(
            decode(msg().msg(1, matcher).bytes(), LabelNamesRequestHints.parser())
                .getBlockMatchersCount())
        .isEqualTo(1);
    assertThat(
            decode(msg().msg(1, matcher).bytes(), LabelValuesRequestHints.parser())
                .getBlockMatchersCount())
        .isEqualTo(1);
    Wire block = msg().str(1, "01HZZZZZZZZZZZZZZZZZZZZZZZ");
    assertThat(
            decode(msg().msg(1, block).bytes(), LabelNamesResponseHints.parser())
                .getQueriedBlocks(0)
                .getId())
        .startsWith("01H");
    assertThat(
            decode(msg().msg(1, block).bytes(), LabelValuesResponseHints.parser())
                .getQueriedBlocksCount())
        .isEqualTo(1);

    Wire stats = msg();
    for (int f = 1; f <= 20; f++) {
      stats.varint(f, f * 10L);
    }
    stats.msg(21, msg().varint(1, 2).varint(2, 500)).msg(22, msg().varint(2, 7));
    SeriesResponseHints resp =
        decode(msg().msg(1, block).msg(2, stats).bytes(), SeriesResponseHints.parser());
    QueryStats q = resp.getQueryStats();
    assertThat(q.getBlocksQueried()).isEqualTo(10);
    assertThat(q.getPostingsTouched()).isEqualTo(40);
    assertThat(q.getPostingsFetchCount()).isEqualTo(90);
    assertThat(q.getSeriesTouched()).isEqualTo(100);
    assertThat(q.getChunksFetchCount()).isEqualTo(190);
    assertThat(q.getDataDownloadedSizeSum()).isEqualTo(200);
    assertThat(q.getGetAllDuration().getSeconds()).isEqualTo(2);
    assertThat(q.getGetAllDuration().getNanos()).isEqualTo(500);
    assertThat(q.getMergeDuration().getNanos()).isEqualTo(7);
  }

  @Test
  void rules() {
    RulesRequest req =
        decode(
            msg()
                .varint(1, 1)
                .varint(2, 1)
                .str(3, "{job=\"x\"}")
                .str(4, "HighLoad")
                .str(5, "group")
                .str(6, "rules.yaml")
                .bytes(),
            RulesRequest.parser());
    assertThat(req.getType()).isEqualTo(RulesRequest.Type.ALERT);
    assertThat(req.getPartialResponseStrategy()).isEqualTo(PartialResponseStrategy.ABORT);
    assertThat(req.getMatcherString(0)).isEqualTo("{job=\"x\"}");
    assertThat(req.getRuleName(0)).isEqualTo("HighLoad");
    assertThat(req.getRuleGroup(0)).isEqualTo("group");
    assertThat(req.getFile(0)).isEqualTo("rules.yaml");

    Wire ts = msg().varint(1, 1_700_000_000L).varint(2, 5);
    Wire alert =
        msg()
            .varint(1, 2) // FIRING
            .str(2, "HighLoad")
            .str(3, "load > 1")
            .dbl(4, 60)
            .msg(5, labels("severity", "page"))
            .msg(6, labels("summary", "s"))
            .msg(
                7,
                msg()
                    .msg(1, labels("instance", "i"))
                    .msg(2, labels())
                    .varint(3, 1) // PENDING
                    .msg(4, ts)
                    .str(5, "1.5e+00")
                    .varint(6, 1))
            .str(8, "ok")
            .str(9, "none")
            .dbl(10, 0.25)
            .msg(11, ts)
            .dbl(12, 30);
    Wire recording =
        msg()
            .str(1, "job:up:sum")
            .str(2, "sum(up)")
            .msg(3, labels("a", "b"))
            .str(4, "ok")
            .str(5, "e")
            .dbl(6, 0.5)
            .msg(7, ts);
    Wire group =
        msg()
            .str(1, "g")
            .str(2, "rules.yaml")
            .msg(3, msg().msg(1, recording))
            .msg(3, msg().msg(2, alert))
            .dbl(4, 30)
            .dbl(5, 0.1)
            .msg(6, ts)
            .varint(8, 1)
            .varint(9, 100);
    RulesResponse resp = decode(msg().msg(1, group).bytes(), RulesResponse.parser());
    RuleGroup g = resp.getGroup();
    assertThat(g.getName()).isEqualTo("g");
    assertThat(g.getInterval()).isEqualTo(30);
    assertThat(g.getLastEvaluation().getSeconds()).isEqualTo(1_700_000_000L);
    assertThat(g.getPartialResponseStrategy()).isEqualTo(PartialResponseStrategy.ABORT);
    assertThat(g.getLimit()).isEqualTo(100);
    assertThat(g.getRules(0).getRecording().getQuery()).isEqualTo("sum(up)");
    assertThat(g.getRules(1).getAlert().getState()).isEqualTo(AlertState.FIRING);
    assertThat(g.getRules(1).getAlert().getAlerts(0).getState()).isEqualTo(AlertState.PENDING);
    assertThat(g.getRules(1).getAlert().getAlerts(0).getValue()).isEqualTo("1.5e+00");
    assertThat(g.getRules(1).getAlert().getKeepFiringForSeconds()).isEqualTo(30);
    assertThat(decode(msg().msg(1, group).bytes(), RuleGroups.parser()).getGroupsCount())
        .isEqualTo(1);
    assertThat(decode(msg().str(2, "w").bytes(), RulesResponse.parser()).getWarning())
        .isEqualTo("w");
  }

  @Test
  void targets() {
    TargetsRequest req = decode(msg().varint(1, 2).varint(2, 1).bytes(), TargetsRequest.parser());
    assertThat(req.getState()).isEqualTo(TargetsRequest.State.DROPPED);
    Wire active =
        msg()
            .msg(1, labels("__address__", "h:9100"))
            .msg(2, labels("job", "node"))
            .str(3, "node")
            .str(4, "http://h:9100/metrics")
            .str(5, "http://h:9100/metrics")
            .str(6, "timeout")
            .msg(7, msg().varint(1, 1_700_000_000L))
            .dbl(8, 0.01)
            .varint(9, 1);
    TargetsResponse resp =
        decode(
            msg().msg(1, msg().msg(1, active).msg(2, msg().msg(1, labels("a", "b")))).bytes(),
            TargetsResponse.parser());
    ActiveTarget t = resp.getTargets().getActiveTargets(0);
    assertThat(t.getScrapePool()).isEqualTo("node");
    assertThat(t.getLastError()).isEqualTo("timeout");
    assertThat(t.getLastScrapeDuration()).isEqualTo(0.01);
    assertThat(t.getHealth()).isEqualTo(TargetHealth.UP);
    assertThat(resp.getTargets().getDroppedTargets(0).getDiscoveredLabels().getLabelsCount())
        .isEqualTo(1);
  }

  @Test
  void metadata() {
    MetricMetadataRequest req =
        decode(
            msg().str(1, "up").varint(2, 10).varint(3, 1).bytes(), MetricMetadataRequest.parser());
    assertThat(req.getMetric()).isEqualTo("up");
    assertThat(req.getLimit()).isEqualTo(10);
    // map<string, MetricMetadataEntry>: entries are messages {key = 1, value = 2}; metas is field
    // 2.
    Wire entry =
        msg().str(1, "up").msg(2, msg().msg(2, msg().str(1, "gauge").str(2, "Target up.")));
    MetricMetadataResponse resp =
        decode(msg().msg(1, msg().msg(1, entry)).bytes(), MetricMetadataResponse.parser());
    assertThat(resp.getMetadata().getMetadataMap().get("up").getMetas(0).getHelp())
        .isEqualTo("Target up.");
  }

  @Test
  void exemplars() {
    ExemplarsRequest req =
        decode(
            msg().str(1, "up").varint(2, 1).varint(3, 2).varint(4, 1).bytes(),
            ExemplarsRequest.parser());
    assertThat(req.getQuery()).isEqualTo("up");
    assertThat(req.getEnd()).isEqualTo(2);
    ExemplarsResponse resp =
        decode(
            msg()
                .msg(
                    1,
                    msg()
                        .msg(1, labels("job", "x"))
                        .msg(2, msg().msg(1, labels("trace_id", "t")).dbl(2, 3.0).varint(3, 9)))
                .bytes(),
            ExemplarsResponse.parser());
    assertThat(resp.getData().getSeriesLabels().getLabels(0).getValue()).isEqualTo("x");
    assertThat(resp.getData().getExemplars(0).getTs()).isEqualTo(9);
    assertThat(resp.getData().getExemplars(0).getValue()).isEqualTo(3.0);
  }

  @Test
  void status() {
    TSDBStatisticsRequest req =
        decode(
            msg().str(1, "t").varint(2, 10).varint(3, 1).bytes(), TSDBStatisticsRequest.parser());
    assertThat(req.getTenant()).isEqualTo("t");
    assertThat(req.getLimit()).isEqualTo(10);
    Wire entry =
        msg()
            .msg(1, msg().varint(1, 5).varint(2, 6).varint(3, 7).varint(4, 8).varint(5, 9))
            .msg(2, msg().str(1, "up").varint(2, 3))
            .msg(3, msg().str(1, "job").varint(2, 2))
            .msg(4, msg().str(1, "job").varint(2, 100))
            .msg(5, msg().str(1, "job=x").varint(2, 1));
    TSDBStatisticsResponse resp =
        decode(
            msg().msg(1, msg().msg(1, msg().str(1, "default").msg(2, entry))).bytes(),
            TSDBStatisticsResponse.parser());
    TSDBStatisticsEntry e = resp.getStatistics().getStatisticsMap().get("default");
    assertThat(e.getHeadStatistics().getNumSeries()).isEqualTo(5);
    assertThat(e.getHeadStatistics().getMaxTime()).isEqualTo(9);
    assertThat(e.getSeriesCountByMetricName(0).getValue()).isEqualTo(3);
    assertThat(e.getSeriesCountByLabelValuePair(0).getName()).isEqualTo("job=x");
  }

  @Test
  void serviceNames() {
    assertThat(RulesGrpc.getRulesMethod().getFullMethodName()).isEqualTo("thanos.Rules/Rules");
    assertThat(TargetsGrpc.getTargetsMethod().getFullMethodName())
        .isEqualTo("thanos.Targets/Targets");
    assertThat(MetadataGrpc.getMetricMetadataMethod().getFullMethodName())
        .isEqualTo("thanos.Metadata/MetricMetadata");
    assertThat(ExemplarsGrpc.getExemplarsMethod().getFullMethodName())
        .isEqualTo("thanos.Exemplars/Exemplars");
    assertThat(StatusGrpc.getTSDBStatisticsMethod().getFullMethodName())
        .isEqualTo("thanos.Status/TSDBStatistics");
    assertThat(RulesGrpc.getRulesMethod().getType()).isEqualTo(MethodType.SERVER_STREAMING);
  }
}
