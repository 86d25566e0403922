package io.jthanos.query.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.Timestamp;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Deadline;
import io.grpc.stub.AbstractStub;
import io.jthanos.promql.json.PrometheusJson;
import io.jthanos.proto.exemplars.Exemplar;
import io.jthanos.proto.exemplars.ExemplarData;
import io.jthanos.proto.exemplars.ExemplarsGrpc;
import io.jthanos.proto.exemplars.ExemplarsRequest;
import io.jthanos.proto.exemplars.ExemplarsResponse;
import io.jthanos.proto.labels.ZLabelSet;
import io.jthanos.proto.metadata.Meta;
import io.jthanos.proto.metadata.MetadataGrpc;
import io.jthanos.proto.metadata.MetricMetadataEntry;
import io.jthanos.proto.metadata.MetricMetadataRequest;
import io.jthanos.proto.metadata.MetricMetadataResponse;
import io.jthanos.proto.rules.Alert;
import io.jthanos.proto.rules.AlertInstance;
import io.jthanos.proto.rules.RecordingRule;
import io.jthanos.proto.rules.Rule;
import io.jthanos.proto.rules.RuleGroup;
import io.jthanos.proto.rules.RulesGrpc;
import io.jthanos.proto.rules.RulesRequest;
import io.jthanos.proto.rules.RulesResponse;
import io.jthanos.proto.status.HeadStatistics;
import io.jthanos.proto.status.Statistic;
import io.jthanos.proto.status.StatusGrpc;
import io.jthanos.proto.status.TSDBStatisticsEntry;
import io.jthanos.proto.status.TSDBStatisticsRequest;
import io.jthanos.proto.status.TSDBStatisticsResponse;
import io.jthanos.proto.store.PartialResponseStrategy;
import io.jthanos.proto.targets.ActiveTarget;
import io.jthanos.proto.targets.DroppedTarget;
import io.jthanos.proto.targets.TargetsGrpc;
import io.jthanos.proto.targets.TargetsRequest;
import io.jthanos.proto.targets.TargetsResponse;
import io.jthanos.query.store.Endpoint;
import io.jthanos.query.store.EndpointSet;
import io.jthanos.server.api.Api;
import io.jthanos.server.api.ApiException;
import io.jthanos.server.api.ApiResult;
import io.jthanos.server.api.ErrorType;
import io.jthanos.server.http.Request;
import io.jthanos.server.http.Router;
import io.jthanos.storeapi.StoreProtos;
import io.jthanos.storeapi.Tenancy;
import io.jthanos.tsdb.labels.Labels;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The APIs the querier answers by fanning out over the other gRPC APIs of its endpoints (those
 * whose Info announces them): {@code /rules} and {@code /alerts} (Rules), {@code /targets}
 * (Targets), {@code /metadata} (Metadata), {@code /query_exemplars} (Exemplars) and {@code
 * /status/tsdb} (Status). Answers are merged and shaped as Prometheus' API; a failing endpoint is a
 * warning under {@code partial_response=true} (the default) and an error otherwise.
 */
public final class FanoutApi {
  private final EndpointSet endpoints;
  private final QueryApi.Settings s;

  public FanoutApi(EndpointSet endpoints, QueryApi.Settings settings) {
    this.endpoints = endpoints;
    this.s = settings;
  }

  public void register(Router r, Api api, String prefix) {
    String p = prefix + "/api/v1";
    r.get(p + "/rules", "rules", api.wrap(this::rules));
    r.get(p + "/alerts", "alerts", api.wrap(this::alerts));
    r.get(p + "/targets", "targets", api.wrap(this::targets));
    r.get(p + "/metadata", "metadata", api.wrap(this::metadata));
    r.getAndPost(p + "/query_exemplars", "exemplars", api.wrap(this::exemplars));
    r.get(p + "/status/tsdb", "status_tsdb", api.wrap(this::tsdbStatus));
  }

  // --- fan-out helper ----------------------------------------------------------------------------

  private record Gathered<T>(List<T> items, List<String> warnings) {}

  private <S extends AbstractStub<S>, T> Gathered<T> fanout(
      Request req,
      Predicate<Endpoint> serves,
      Function<Channel, S> stubOf,
      BiFunction<S, Endpoint, Iterator<T>> call,
      Function<T, String> warningOf,
      String what)
      throws ApiException {
    boolean partial =
        ApiParams.boolParam(req.param("partial_response"), "partial_response", s.partialResponse());
    String tenant = req.header(s.tenantHeader());
    if (tenant == null || tenant.isEmpty()) {
      tenant = s.defaultTenant();
    }
    List<Endpoint> targets = new ArrayList<>();
    for (Endpoint e : endpoints.queryable()) {
      if (serves.test(e)) {
        targets.add(e);
      }
    }
    List<T> items = Collections.synchronizedList(new ArrayList<>());
    List<String> warnings = Collections.synchronizedList(new ArrayList<>());
    List<String> errors = Collections.synchronizedList(new ArrayList<>());
    List<Thread> threads = new ArrayList<>();
    String t = tenant;
    Deadline deadline = Deadline.after(s.queryTimeoutMs(), TimeUnit.MILLISECONDS);
    for (Endpoint e : targets) {
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      Channel ch =
                          ClientInterceptors.intercept(
                              e.client().channel(), Tenancy.clientInterceptor(t));
                      S stub = stubOf.apply(ch).withDeadline(deadline);
                      String comp = e.client().config().compression();
                      if (!comp.equals("none")) {
                        stub = stub.withCompression(comp);
                      }
                      Iterator<T> it = call.apply(stub, e);
                      while (it.hasNext()) {
                        T r = it.next();
                        String w = warningOf.apply(r);
                        if (w != null) {
                          warnings.add(w);
                        } else {
                          items.add(r);
                        }
                      }
                    } catch (RuntimeException ex) {
                      String msg =
                          "fetching " + what + " from " + e.address() + ": " + ex.getMessage();
                      (partial ? warnings : errors).add(msg);
                    }
                  }));
    }
    for (Thread th : threads) {
      try {
        th.join();
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw new ApiException(ErrorType.CANCELED, "request canceled");
      }
    }
    if (!errors.isEmpty()) {
      throw new ApiException(ErrorType.INTERNAL, String.join("; ", errors));
    }
    return new Gathered<>(new ArrayList<>(items), new ArrayList<>(warnings));
  }

  private PartialResponseStrategy strategy(Request req) throws ApiException {
    return ApiParams.boolParam(
            req.param("partial_response"), "partial_response", s.partialResponse())
        ? PartialResponseStrategy.WARN
        : PartialResponseStrategy.ABORT;
  }

  private Set<String> replicaLabels(Request req) throws ApiException {
    boolean dedup = ApiParams.boolParam(req.param("dedup"), "dedup", true);
    if (!dedup) {
      return Set.of();
    }
    List<String> r = req.params("replicaLabels[]");
    return new HashSet<>(r.isEmpty() ? s.replicaLabels() : r);
  }

  // --- rules and alerts ------------------------------------------------------------------------

  private List<RuleGroup> ruleGroups(Request req, RulesRequest.Type type, List<String> warnings)
      throws ApiException {
    RulesRequest rr =
        RulesRequest.newBuilder()
            .setType(type)
            .setPartialResponseStrategy(strategy(req))
            .addAllMatcherString(req.params("match[]"))
            .addAllRuleName(req.params("rule_name[]"))
            .addAllRuleGroup(req.params("rule_group[]"))
            .addAllFile(req.params("file[]"))
            .build();
    Gathered<RulesResponse> g =
        fanout(
            req,
            Endpoint::hasRules,
            RulesGrpc::newBlockingStub,
            (stub, e) -> stub.rules(rr),
            r -> r.hasWarning() ? r.getWarning() : null,
            "rules");
    warnings.addAll(g.warnings());
    // Groups from replicas are the same group: keep one per (file, name).
    Map<String, RuleGroup> groups = new LinkedHashMap<>();
    for (RulesResponse r : g.items()) {
      if (r.hasGroup()) {
        groups.putIfAbsent(
            r.getGroup().getFile() + "\u0000" + r.getGroup().getName(), r.getGroup());
      }
    }
    List<RuleGroup> out = new ArrayList<>(groups.values());
    out.sort(
        (a, b) -> {
          int c = a.getFile().compareTo(b.getFile());
          return c != 0 ? c : a.getName().compareTo(b.getName());
        });
    return out;
  }

  ApiResult rules(Request req) throws Exception {
    String typeParam = req.param("type");
    RulesRequest.Type type = RulesRequest.Type.ALL;
    if (typeParam != null && !typeParam.isEmpty()) {
      type =
          switch (typeParam.toLowerCase(java.util.Locale.ROOT)) {
            case "alert" -> RulesRequest.Type.ALERT;
            case "record" -> RulesRequest.Type.RECORD;
            default -> throw ApiException.badData("invalid rule type \"" + typeParam + "\"");
          };
    }
    List<String> warnings = new ArrayList<>();
    List<RuleGroup> groups = ruleGroups(req, type, warnings);
    Set<String> drop = replicaLabels(req);
    RulesRequest.Type ft = type;
    return ApiResult.of(
        (ApiResult.JsonWriter)
            g -> {
              PrometheusJson.configure(g);
              g.writeStartObject();
              g.writeArrayFieldStart("groups");
              for (RuleGroup rg : groups) {
                writeGroup(g, rg, drop, ft);
              }
              g.writeEndArray();
              g.writeEndObject();
            },
        warnings);
  }

  ApiResult alerts(Request req) throws Exception {
    List<String> warnings = new ArrayList<>();
    List<RuleGroup> groups = ruleGroups(req, RulesRequest.Type.ALERT, warnings);
    Set<String> drop = replicaLabels(req);
    return ApiResult.of(
        (ApiResult.JsonWriter)
            g -> {
              PrometheusJson.configure(g);
              g.writeStartObject();
              g.writeArrayFieldStart("alerts");
              for (RuleGroup rg : groups) {
                for (Rule r : rg.getRulesList()) {
                  if (r.hasAlert()) {
                    for (AlertInstance a : r.getAlert().getAlertsList()) {
                      writeAlertInstance(g, a, drop);
                    }
                  }
                }
              }
              g.writeEndArray();
              g.writeEndObject();
            },
        warnings);
  }

  private static void writeGroup(
      JsonGenerator g, RuleGroup rg, Set<String> drop, RulesRequest.Type type) throws IOException {
    g.writeStartObject();
    g.writeStringField("name", rg.getName());
    g.writeStringField("file", rg.getFile());
    g.writeArrayFieldStart("rules");
    for (Rule r : rg.getRulesList()) {
      if (r.hasAlert() && type != RulesRequest.Type.RECORD) {
        writeAlertRule(g, r.getAlert(), drop);
      } else if (r.hasRecording() && type != RulesRequest.Type.ALERT) {
        writeRecordingRule(g, r.getRecording(), drop);
      }
    }
    g.writeEndArray();
    g.writeNumberField("interval", rg.getInterval());
    g.writeNumberField("evaluationTime", rg.getEvaluationDurationSeconds());
    g.writeStringField("lastEvaluation", time(rg.getLastEvaluation()));
    g.writeNumberField("limit", rg.getLimit());
    g.writeStringField("partialResponseStrategy", rg.getPartialResponseStrategy().name());
    g.writeEndObject();
  }

  private static void writeAlertRule(JsonGenerator g, Alert a, Set<String> drop)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("state", a.getState().name().toLowerCase(java.util.Locale.ROOT));
    g.writeStringField("name", a.getName());
    g.writeStringField("query", a.getQuery());
    g.writeNumberField("duration", a.getDurationSeconds());
    g.writeNumberField("keepFiringFor", a.getKeepFiringForSeconds());
    g.writeFieldName("labels");
    PrometheusJson.writeLabels(g, labels(a.getLabels(), drop));
    g.writeFieldName("annotations");
    PrometheusJson.writeLabels(g, labels(a.getAnnotations(), Set.of()));
    g.writeArrayFieldStart("alerts");
    for (AlertInstance i : a.getAlertsList()) {
      writeAlertInstance(g, i, drop);
    }
    g.writeEndArray();
    g.writeStringField("health", a.getHealth());
    g.writeStringField("lastError", a.getLastError());
    g.writeNumberField("evaluationTime", a.getEvaluationDurationSeconds());
    g.writeStringField("lastEvaluation", time(a.getLastEvaluation()));
    g.writeStringField("type", "alerting");
    g.writeEndObject();
  }

  private static void writeRecordingRule(JsonGenerator g, RecordingRule r, Set<String> drop)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("name", r.getName());
    g.writeStringField("query", r.getQuery());
    g.writeFieldName("labels");
    PrometheusJson.writeLabels(g, labels(r.getLabels(), drop));
    g.writeStringField("health", r.getHealth());
    g.writeStringField("lastError", r.getLastError());
    g.writeNumberField("evaluationTime", r.getEvaluationDurationSeconds());
    g.writeStringField("lastEvaluation", time(r.getLastEvaluation()));
    g.writeStringField("type", "recording");
    g.writeEndObject();
  }

  private static void writeAlertInstance(JsonGenerator g, AlertInstance a, Set<String> drop)
      throws IOException {
    g.writeStartObject();
    g.writeFieldName("labels");
    PrometheusJson.writeLabels(g, labels(a.getLabels(), drop));
    g.writeFieldName("annotations");
    PrometheusJson.writeLabels(g, labels(a.getAnnotations(), Set.of()));
    g.writeStringField("state", a.getState().name().toLowerCase(java.util.Locale.ROOT));
    if (a.hasActiveAt()) {
      g.writeStringField("activeAt", time(a.getActiveAt()));
    }
    g.writeStringField("value", a.getValue());
    g.writeStringField("partialResponseStrategy", a.getPartialResponseStrategy().name());
    g.writeEndObject();
  }

  private static Labels labels(ZLabelSet set, Set<String> drop) {
    Labels l = StoreProtos.labels(set);
    return drop.isEmpty() ? l : l.without(drop);
  }

  /** An active target as shown: its labels without the replica labels. */
  private record ShownTarget(ActiveTarget target, Labels discovered, Labels labels) {}

  private static boolean later(Timestamp a, Timestamp b) {
    return a.getSeconds() != b.getSeconds()
        ? a.getSeconds() > b.getSeconds()
        : a.getNanos() > b.getNanos();
  }

  static String time(Timestamp t) {
    if (t == null || (t.getSeconds() == 0 && t.getNanos() == 0)) {
      return "0001-01-01T00:00:00Z";
    }
    return DateTimeFormatter.ISO_INSTANT.format(
        Instant.ofEpochSecond(t.getSeconds(), t.getNanos()));
  }

  // --- targets ---------------------------------------------------------------------------------

  ApiResult targets(Request req) throws Exception {
    String state = req.param("state");
    TargetsRequest.State st = TargetsRequest.State.ANY;
    if (state != null && !state.isEmpty()) {
      st =
          switch (state.toLowerCase(java.util.Locale.ROOT)) {
            case "active" -> TargetsRequest.State.ACTIVE;
            case "dropped" -> TargetsRequest.State.DROPPED;
            case "any" -> TargetsRequest.State.ANY;
            default -> throw ApiException.badData("invalid state \"" + state + "\"");
          };
    }
    TargetsRequest tr =
        TargetsRequest.newBuilder().setState(st).setPartialResponseStrategy(strategy(req)).build();
    Gathered<TargetsResponse> g =
        fanout(
            req,
            Endpoint::hasTargets,
            TargetsGrpc::newBlockingStub,
            (stub, e) -> stub.targets(tr),
            r -> r.hasWarning() ? r.getWarning() : null,
            "targets");
    // As Thanos: with deduplication the replica labels leave every target's labels, and the
    // targets the replicas share become one (the most recently scraped).
    Set<String> drop = replicaLabels(req);
    Map<String, ShownTarget> byKey = new LinkedHashMap<>();
    Map<Labels, Labels> droppedByLabels = new LinkedHashMap<>();
    for (TargetsResponse r : g.items()) {
      for (ActiveTarget a : r.getTargets().getActiveTargetsList()) {
        Labels discovered = StoreProtos.labels(a.getDiscoveredLabels()).without(drop);
        Labels labels = StoreProtos.labels(a.getLabels()).without(drop);
        String key = a.getScrapePool() + '\0' + a.getScrapeUrl() + '\0' + labels + discovered;
        ShownTarget prev = byKey.get(key);
        if (prev == null || later(a.getLastScrape(), prev.target().getLastScrape())) {
          byKey.put(key, new ShownTarget(a, discovered, labels));
        }
      }
      for (DroppedTarget d : r.getTargets().getDroppedTargetsList()) {
        Labels discovered = StoreProtos.labels(d.getDiscoveredLabels()).without(drop);
        droppedByLabels.putIfAbsent(discovered, discovered);
      }
    }
    List<ShownTarget> active = new ArrayList<>(byKey.values());
    active.sort(
        Comparator.comparing((ShownTarget t) -> t.target().getScrapePool())
            .thenComparing(ShownTarget::labels));
    List<Labels> dropped = new ArrayList<>(droppedByLabels.values());
    dropped.sort(Comparator.naturalOrder());
    TargetsRequest.State fst = st;
    return ApiResult.of(
        (ApiResult.JsonWriter)
            gen -> {
              PrometheusJson.configure(gen);
              gen.writeStartObject();
              if (fst != TargetsRequest.State.DROPPED) {
                gen.writeArrayFieldStart("activeTargets");
                for (ShownTarget shown : active) {
                  ActiveTarget a = shown.target();
                  gen.writeStartObject();
                  gen.writeFieldName("discoveredLabels");
                  PrometheusJson.writeLabels(gen, shown.discovered());
                  gen.writeFieldName("labels");
                  PrometheusJson.writeLabels(gen, shown.labels());
                  gen.writeStringField("scrapePool", a.getScrapePool());
                  gen.writeStringField("scrapeUrl", a.getScrapeUrl());
                  gen.writeStringField("globalUrl", a.getGlobalUrl());
                  gen.writeStringField("lastError", a.getLastError());
                  gen.writeStringField("lastScrape", time(a.getLastScrape()));
                  gen.writeNumberField("lastScrapeDuration", a.getLastScrapeDuration());
                  gen.writeStringField(
                      "health", a.getHealth().name().toLowerCase(java.util.Locale.ROOT));
                  gen.writeEndObject();
                }
                gen.writeEndArray();
              }
              if (fst != TargetsRequest.State.ACTIVE) {
                gen.writeArrayFieldStart("droppedTargets");
                for (Labels d : dropped) {
                  gen.writeStartObject();
                  gen.writeFieldName("discoveredLabels");
                  PrometheusJson.writeLabels(gen, d);
                  gen.writeEndObject();
                }
                gen.writeEndArray();
              }
              gen.writeEndObject();
            },
        g.warnings());
  }

  // --- metadata --------------------------------------------------------------------------------

  ApiResult metadata(Request req) throws Exception {
    int limit = intParam(req, "limit", -1);
    int perMetric = intParam(req, "limit_per_metric", -1);
    String metric = req.param("metric") == null ? "" : req.param("metric");
    MetricMetadataRequest mr =
        MetricMetadataRequest.newBuilder()
            .setMetric(metric)
            .setLimit(limit)
            .setPartialResponseStrategy(strategy(req))
            .build();
    Gathered<MetricMetadataResponse> g =
        fanout(
            req,
            Endpoint::hasMetricMetadata,
            MetadataGrpc::newBlockingStub,
            (stub, e) -> stub.metricMetadata(mr),
            r -> r.hasWarning() ? r.getWarning() : null,
            "metadata");
    Map<String, LinkedHashSet<Meta>> merged = new TreeMap<>();
    for (MetricMetadataResponse r : g.items()) {
      for (Map.Entry<String, MetricMetadataEntry> e : r.getMetadata().getMetadataMap().entrySet()) {
        merged
            .computeIfAbsent(e.getKey(), k -> new LinkedHashSet<>())
            .addAll(e.getValue().getMetasList());
      }
    }
    return ApiResult.of(
        (ApiResult.JsonWriter)
            gen -> {
              PrometheusJson.configure(gen);
              gen.writeStartObject();
              int n = 0;
              for (Map.Entry<String, LinkedHashSet<Meta>> e : merged.entrySet()) {
                if (limit >= 0 && n >= limit) {
                  break;
                }
                n++;
                gen.writeArrayFieldStart(e.getKey());
                int m = 0;
                for (Meta meta : e.getValue()) {
                  if (perMetric > 0 && m++ >= perMetric) {
                    break;
                  }
                  gen.writeStartObject();
                  gen.writeStringField("type", meta.getType());
                  gen.writeStringField("help", meta.getHelp());
                  gen.writeStringField("unit", meta.getUnit());
                  gen.writeEndObject();
                }
                gen.writeEndArray();
              }
              gen.writeEndObject();
            },
        g.warnings());
  }

  private static int intParam(Request req, String name, int def) throws ApiException {
    String v = req.param(name);
    if (v == null || v.isEmpty()) {
      return def;
    }
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw ApiException.badData("invalid parameter \"" + name + "\": " + v);
    }
  }

  // --- exemplars -------------------------------------------------------------------------------

  ApiResult exemplars(Request req) throws Exception {
    long start = QueryApi.timeParam(req, "start", ApiParams.MIN_TIME_MS);
    long end = QueryApi.timeParam(req, "end", ApiParams.MAX_TIME_MS);
    if (end < start) {
      throw ApiException.badData("end timestamp must not be before start timestamp");
    }
    String q = req.param("query") == null ? "" : req.param("query");
    try {
      io.jthanos.promql.parser.Parser.parse(q);
    } catch (io.jthanos.promql.PromqlException e) {
      throw ApiException.badData(e.getMessage());
    }
    ExemplarsRequest er =
        ExemplarsRequest.newBuilder()
            .setQuery(q)
            .setStart(start)
            .setEnd(end)
            .setPartialResponseStrategy(strategy(req))
            .build();
    Gathered<ExemplarsResponse> g =
        fanout(
            req,
            Endpoint::hasExemplars,
            ExemplarsGrpc::newBlockingStub,
            (stub, e) -> stub.exemplars(er),
            r -> r.hasWarning() ? r.getWarning() : null,
            "exemplars");
    Set<String> drop = replicaLabels(req);
    Map<Labels, LinkedHashSet<Exemplar>> bySeries = new TreeMap<>(Labels::compare);
    for (ExemplarsResponse r : g.items()) {
      ExemplarData d = r.getData();
      bySeries
          .computeIfAbsent(labels(d.getSeriesLabels(), drop), k -> new LinkedHashSet<>())
          .addAll(d.getExemplarsList());
    }
    return ApiResult.of(
        (ApiResult.JsonWriter)
            gen -> {
              PrometheusJson.configure(gen);
              gen.writeStartArray();
              for (Map.Entry<Labels, LinkedHashSet<Exemplar>> e : bySeries.entrySet()) {
                gen.writeStartObject();
                gen.writeFieldName("seriesLabels");
                PrometheusJson.writeLabels(gen, e.getKey());
                gen.writeArrayFieldStart("exemplars");
                for (Exemplar x : e.getValue()) {
                  gen.writeStartObject();
                  gen.writeFieldName("labels");
                  PrometheusJson.writeLabels(gen, StoreProtos.labels(x.getLabels()));
                  gen.writeStringField("value", PrometheusJson.formatValue(x.getValue()));
                  gen.writeFieldName("timestamp");
                  gen.writeRawValue(PrometheusJson.formatTimestamp(x.getTs()));
                  gen.writeEndObject();
                }
                gen.writeEndArray();
                gen.writeEndObject();
              }
              gen.writeEndArray();
            },
        g.warnings());
  }

  // --- TSDB status -----------------------------------------------------------------------------

  ApiResult tsdbStatus(Request req) throws Exception {
    int limit = intParam(req, "limit", 10);
    if (limit <= 0) {
      throw ApiException.badData("limit must be a positive number");
    }
    String tenant = req.header(s.tenantHeader());
    TSDBStatisticsRequest sr =
        TSDBStatisticsRequest.newBuilder()
            .setLimit(limit)
            .setPartialResponseStrategy(strategy(req))
            .build();
    Gathered<TSDBStatisticsResponse> g =
        fanout(
            req,
            Endpoint::hasStatus,
            StatusGrpc::newBlockingStub,
            (stub, e) -> stub.tSDBStatistics(sr),
            r -> r.hasWarning() ? r.getWarning() : null,
            "tsdb statistics");
    long numSeries = 0;
    long pairs = 0;
    long chunks = 0;
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    Map<String, Long> byMetric = new TreeMap<>();
    Map<String, Long> byLabel = new TreeMap<>();
    Map<String, Long> memByLabel = new TreeMap<>();
    Map<String, Long> byPair = new TreeMap<>();
    for (TSDBStatisticsResponse r : g.items()) {
      for (Map.Entry<String, TSDBStatisticsEntry> e :
          r.getStatistics().getStatisticsMap().entrySet()) {
        if (tenant != null && !tenant.isEmpty() && !e.getKey().equals(tenant)) {
          continue;
        }
        TSDBStatisticsEntry en = e.getValue();
        HeadStatistics h = en.getHeadStatistics();
        numSeries += h.getNumSeries();
        pairs += h.getNumLabelPairs();
        chunks += h.getChunkCount();
        if (h.getNumSeries() > 0) {
          min = Math.min(min, h.getMinTime());
          max = Math.max(max, h.getMaxTime());
        }
        add(byMetric, en.getSeriesCountByMetricNameList());
        add(byLabel, en.getLabelValueCountByLabelNameList());
        add(memByLabel, en.getMemoryInBytesByLabelNameList());
        add(byPair, en.getSeriesCountByLabelValuePairList());
      }
    }
    long fs = numSeries;
    long fp = pairs;
    long fc = chunks;
    long fmin = min == Long.MAX_VALUE ? 0 : min;
    long fmax = max == Long.MIN_VALUE ? 0 : max;
    return ApiResult.of(
        (ApiResult.JsonWriter)
            gen -> {
              gen.writeStartObject();
              gen.writeObjectFieldStart("headStats");
              gen.writeNumberField("numSeries", fs);
              gen.writeNumberField("numLabelPairs", fp);
              gen.writeNumberField("chunkCount", fc);
              gen.writeNumberField("minTime", fmin);
              gen.writeNumberField("maxTime", fmax);
              gen.writeEndObject();
              writeStats(gen, "seriesCountByMetricName", byMetric, limit);
              writeStats(gen, "labelValueCountByLabelName", byLabel, limit);
              writeStats(gen, "memoryInBytesByLabelName", memByLabel, limit);
              writeStats(gen, "seriesCountByLabelValuePair", byPair, limit);
              gen.writeEndObject();
            },
        g.warnings());
  }

  private static void add(Map<String, Long> into, List<Statistic> stats) {
    for (Statistic st : stats) {
      into.merge(st.getName(), st.getValue(), Long::sum);
    }
  }

  private static void writeStats(JsonGenerator g, String field, Map<String, Long> m, int limit)
      throws IOException {
    List<Map.Entry<String, Long>> list = new ArrayList<>(m.entrySet());
    list.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
    g.writeArrayFieldStart(field);
    for (int i = 0; i < Math.min(limit, list.size()); i++) {
      g.writeStartObject();
      g.writeStringField("name", list.get(i).getKey());
      g.writeNumberField("value", list.get(i).getValue());
      g.writeEndObject();
    }
    g.writeEndArray();
  }
}
