package io.jthanos.query;

import com.google.protobuf.Timestamp;
import io.grpc.stub.StreamObserver;
import io.jthanos.proto.exemplars.Exemplar;
import io.jthanos.proto.exemplars.ExemplarData;
import io.jthanos.proto.exemplars.ExemplarsGrpc;
import io.jthanos.proto.exemplars.ExemplarsRequest;
import io.jthanos.proto.exemplars.ExemplarsResponse;
import io.jthanos.proto.metadata.Meta;
import io.jthanos.proto.metadata.MetadataGrpc;
import io.jthanos.proto.metadata.MetricMetadata;
import io.jthanos.proto.metadata.MetricMetadataEntry;
import io.jthanos.proto.metadata.MetricMetadataRequest;
import io.jthanos.proto.metadata.MetricMetadataResponse;
import io.jthanos.proto.rules.Alert;
import io.jthanos.proto.rules.AlertInstance;
import io.jthanos.proto.rules.AlertState;
import io.jthanos.proto.rules.RecordingRule;
import io.jthanos.proto.rules.Rule;
import io.jthanos.proto.rules.RuleGroup;
import io.jthanos.proto.rules.RulesGrpc;
import io.jthanos.proto.rules.RulesRequest;
import io.jthanos.proto.rules.RulesResponse;
import io.jthanos.proto.status.HeadStatistics;
import io.jthanos.proto.status.Statistic;
import io.jthanos.proto.status.StatusGrpc;
import io.jthanos.proto.status.TSDBStatistics;
import io.jthanos.proto.status.TSDBStatisticsEntry;
import io.jthanos.proto.status.TSDBStatisticsRequest;
import io.jthanos.proto.status.TSDBStatisticsResponse;
import io.jthanos.proto.targets.ActiveTarget;
import io.jthanos.proto.targets.TargetDiscovery;
import io.jthanos.proto.targets.TargetHealth;
import io.jthanos.proto.targets.TargetsGrpc;
import io.jthanos.proto.targets.TargetsRequest;
import io.jthanos.proto.targets.TargetsResponse;
import io.jthanos.storeapi.StoreProtos;
import io.jthanos.tsdb.labels.Labels;

/**
 * What a Prometheus behind a sidecar answers on the Rules, Targets, Metadata, Exemplars and Status
 * gRPC APIs, for one replica: an alerting and a recording rule, one scrape target, metadata of one
 * metric, one exemplar and head statistics.
 */
final class FakePeerApis {
  private FakePeerApis() {}

  static final class Rules extends RulesGrpc.RulesImplBase {
    private final String replica;

    Rules(String replica) {
      this.replica = replica;
    }

    @Override
    public void rules(RulesRequest req, StreamObserver<RulesResponse> out) {
      Timestamp eval = Timestamp.newBuilder().setSeconds(1_700_000_000).build();
      Alert alert =
          Alert.newBuilder()
              .setName("HighErrors")
              .setQuery("rate(errors_total[5m]) > 1")
              .setState(AlertState.FIRING)
              .setDurationSeconds(60)
              .setLabels(StoreProtos.toLabelSet(Labels.of("severity", "page", "replica", replica)))
              .setAnnotations(StoreProtos.toLabelSet(Labels.of("summary", "errors")))
              .addAlerts(
                  AlertInstance.newBuilder()
                      .setLabels(
                          StoreProtos.toLabelSet(
                              Labels.of("alertname", "HighErrors", "replica", replica)))
                      .setState(AlertState.FIRING)
                      .setActiveAt(eval)
                      .setValue("2e+00"))
              .setHealth("ok")
              .setLastEvaluation(eval)
              .build();
      RecordingRule rec =
          RecordingRule.newBuilder()
              .setName("job:errors:rate5m")
              .setQuery("sum by (job) (rate(errors_total[5m]))")
              .setHealth("ok")
              .setLastEvaluation(eval)
              .build();
      RuleGroup.Builder g =
          RuleGroup.newBuilder().setName("example").setFile("/etc/rules.yaml").setInterval(30);
      if (req.getType() != RulesRequest.Type.RECORD) {
        g.addRules(Rule.newBuilder().setAlert(alert));
      }
      if (req.getType() != RulesRequest.Type.ALERT) {
        g.addRules(Rule.newBuilder().setRecording(rec));
      }
      out.onNext(RulesResponse.newBuilder().setGroup(g).build());
      out.onCompleted();
    }
  }

  /** One target, labelled with the external labels of a replica as a sidecar does. */
  static final class Targets extends TargetsGrpc.TargetsImplBase {
    private final String replica;

    Targets(String replica) {
      this.replica = replica;
    }

    @Override
    public void targets(TargetsRequest req, StreamObserver<TargetsResponse> out) {
      out.onNext(
          TargetsResponse.newBuilder()
              .setTargets(
                  TargetDiscovery.newBuilder()
                      .addActiveTargets(
                          ActiveTarget.newBuilder()
                              .setLabels(
                                  StoreProtos.toLabelSet(
                                      Labels.of(
                                          "job", "api", "cluster", "eu1", "replica", replica)))
                              .setDiscoveredLabels(
                                  StoreProtos.toLabelSet(Labels.of("__address__", "api:80")))
                              .setScrapePool("api")
                              .setScrapeUrl("http://api:80/metrics")
                              .setHealth(TargetHealth.UP)))
              .build());
      out.onCompleted();
    }
  }

  static final class Metadata extends MetadataGrpc.MetadataImplBase {
    @Override
    public void metricMetadata(
        MetricMetadataRequest req, StreamObserver<MetricMetadataResponse> out) {
      out.onNext(
          MetricMetadataResponse.newBuilder()
              .setMetadata(
                  MetricMetadata.newBuilder()
                      .putMetadata(
                          "contract_requests_total",
                          MetricMetadataEntry.newBuilder()
                              .addMetas(
                                  Meta.newBuilder()
                                      .setType("counter")
                                      .setHelp("Requests.")
                                      .setUnit(""))
                              .build()))
              .build());
      out.onCompleted();
    }
  }

  static final class Exemplars extends ExemplarsGrpc.ExemplarsImplBase {
    private final String replica;

    Exemplars(String replica) {
      this.replica = replica;
    }

    @Override
    public void exemplars(ExemplarsRequest req, StreamObserver<ExemplarsResponse> out) {
      out.onNext(
          ExemplarsResponse.newBuilder()
              .setData(
                  ExemplarData.newBuilder()
                      .setSeriesLabels(
                          StoreProtos.toLabelSet(
                              Labels.of("__name__", "contract_requests_total", "replica", replica)))
                      .addExemplars(
                          Exemplar.newBuilder()
                              .setLabels(StoreProtos.toLabelSet(Labels.of("trace_id", "abc")))
                              .setValue(1.5)
                              .setTs(1_700_000_000_500L)))
              .build());
      out.onCompleted();
    }
  }

  static final class Status extends StatusGrpc.StatusImplBase {
    @Override
    public void tSDBStatistics(
        TSDBStatisticsRequest req, StreamObserver<TSDBStatisticsResponse> out) {
      out.onNext(
          TSDBStatisticsResponse.newBuilder()
              .setStatistics(
                  TSDBStatistics.newBuilder()
                      .putStatistics(
                          "default-tenant",
                          TSDBStatisticsEntry.newBuilder()
                              .setHeadStatistics(
                                  HeadStatistics.newBuilder()
                                      .setNumSeries(13)
                                      .setChunkCount(26)
                                      .setMinTime(1)
                                      .setMaxTime(2))
                              .addSeriesCountByMetricName(
                                  Statistic.newBuilder().setName("contract_up").setValue(3))
                              .build()))
              .build());
      out.onCompleted();
    }
  }
}
