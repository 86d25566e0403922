package io.jthanos.sidecar.apis;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.jthanos.promql.parser.ParseException;
import io.jthanos.promql.parser.Parser;
import io.jthanos.promql.parser.ParserOptions;
import io.jthanos.proto.rules.Alert;
import io.jthanos.proto.rules.AlertInstance;
import io.jthanos.proto.rules.AlertState;
import io.jthanos.proto.rules.RecordingRule;
import io.jthanos.proto.rules.Rule;
import io.jthanos.proto.rules.RuleGroup;
import io.jthanos.proto.rules.RulesGrpc;
import io.jthanos.proto.rules.RulesRequest;
import io.jthanos.proto.rules.RulesResponse;
import io.jthanos.proto.store.PartialResponseStrategy;
import io.jthanos.sidecar.promclient.PrometheusClient;
import io.jthanos.storeapi.StoreProtos;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.Matcher;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Thanos' Rules gRPC service over Prometheus' {@code /api/v1/rules} (Thanos {@code
 * rules.Prometheus}): one response per rule group, external labels added to rule and alert labels,
 * groups marked {@code ABORT} (Prometheus has no partial responses). The request's type is passed
 * to Prometheus; rule name, group, file and label matcher filters are applied here (Prometheus 2.42
 * does not know them).
 */
public final class PrometheusRules extends RulesGrpc.RulesImplBase {
  private final PrometheusClient client;
  private final Supplier<Labels> externalLabels;
  private final Duration timeout;

  public PrometheusRules(
      PrometheusClient client, Supplier<Labels> externalLabels, Duration timeout) {
    this.client = client;
    this.externalLabels = externalLabels;
    this.timeout = timeout;
  }

  @Override
  public void rules(RulesRequest req, StreamObserver<RulesResponse> out) {
    List<List<Matcher>> matcherSets = new ArrayList<>();
    try {
      for (String m : req.getMatcherStringList()) {
        matcherSets.add(Parser.parseMetricSelector(m, ParserOptions.DEFAULT));
      }
    } catch (ParseException e) {
      out.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    String type =
        req.getType() == RulesRequest.Type.ALL ? "" : req.getType().name().toLowerCase(Locale.ROOT);
    JsonNode data;
    try {
      data = client.rules(type, timeout);
    } catch (IOException e) {
      out.onError(PromJson.status(e));
      return;
    }
    Labels ext = externalLabels.get();
    Set<String> names = Set.copyOf(req.getRuleNameList());
    Set<String> groups = Set.copyOf(req.getRuleGroupList());
    Set<String> files = Set.copyOf(req.getFileList());
    boolean ruleFilter = !names.isEmpty() || !matcherSets.isEmpty();
    for (JsonNode g : data.path("groups")) {
      String name = g.path("name").asText();
      String file = g.path("file").asText();
      if ((!groups.isEmpty() && !groups.contains(name))
          || (!files.isEmpty() && !files.contains(file))) {
        continue;
      }
      RuleGroup.Builder rg =
          RuleGroup.newBuilder()
              .setName(name)
              .setFile(file)
              .setInterval(g.path("interval").asDouble())
              .setEvaluationDurationSeconds(g.path("evaluationTime").asDouble())
              .setLimit(g.path("limit").asLong())
              .setPartialResponseStrategy(PartialResponseStrategy.ABORT);
      Timestamp last = PromJson.time(g.get("lastEvaluation"));
      if (last != null) {
        rg.setLastEvaluation(last);
      }
      for (JsonNode r : g.path("rules")) {
        Rule rule = rule(r, ext);
        if (!names.isEmpty() && !names.contains(r.path("name").asText())) {
          continue;
        }
        if (!matcherSets.isEmpty() && !matches(rule, matcherSets)) {
          continue;
        }
        rg.addRules(rule);
      }
      if (ruleFilter && rg.getRulesCount() == 0) {
        continue;
      }
      out.onNext(RulesResponse.newBuilder().setGroup(rg).build());
    }
    out.onCompleted();
  }

  private static boolean matches(Rule rule, List<List<Matcher>> sets) {
    Labels l =
        StoreProtos.labels(
            rule.hasAlert() ? rule.getAlert().getLabels() : rule.getRecording().getLabels());
    for (List<Matcher> set : sets) {
      if (set.stream().allMatch(m -> m.matches(l))) {
        return true;
      }
    }
    return false;
  }

  static AlertState state(String s) {
    return switch (s) {
      case "firing" -> AlertState.FIRING;
      case "pending" -> AlertState.PENDING;
      default -> AlertState.INACTIVE;
    };
  }

  private static Rule rule(JsonNode r, Labels ext) {
    Timestamp last = PromJson.time(r.get("lastEvaluation"));
    if ("alerting".equals(r.path("type").asText())) {
      Alert.Builder a =
          Alert.newBuilder()
              .setState(state(r.path("state").asText()))
              .setName(r.path("name").asText())
              .setQuery(r.path("query").asText())
              .setDurationSeconds(r.path("duration").asDouble())
              .setKeepFiringForSeconds(r.path("keepFiringFor").asDouble())
              .setLabels(PromJson.withExternal(r.get("labels"), ext))
              .setAnnotations(PromJson.plain(r.get("annotations")))
              .setHealth(r.path("health").asText())
              .setLastError(r.path("lastError").asText(""))
              .setEvaluationDurationSeconds(r.path("evaluationTime").asDouble());
      if (last != null) {
        a.setLastEvaluation(last);
      }
      for (JsonNode i : r.path("alerts")) {
        AlertInstance.Builder ai =
            AlertInstance.newBuilder()
                .setLabels(PromJson.withExternal(i.get("labels"), ext))
                .setAnnotations(PromJson.plain(i.get("annotations")))
                .setState(state(i.path("state").asText()))
                .setValue(i.path("value").asText())
                .setPartialResponseStrategy(PartialResponseStrategy.ABORT);
        Timestamp active = PromJson.time(i.get("activeAt"));
        if (active != null) {
          ai.setActiveAt(active);
        }
        a.addAlerts(ai);
      }
      return Rule.newBuilder().setAlert(a).build();
    }
    RecordingRule.Builder rr =
        RecordingRule.newBuilder()
            .setName(r.path("name").asText())
            .setQuery(r.path("query").asText())
            .setLabels(PromJson.withExternal(r.get("labels"), ext))
            .setHealth(r.path("health").asText())
            .setLastError(r.path("lastError").asText(""))
            .setEvaluationDurationSeconds(r.path("evaluationTime").asDouble());
    if (last != null) {
      rr.setLastEvaluation(last);
    }
    return Rule.newBuilder().setRecording(rr).build();
  }
}
