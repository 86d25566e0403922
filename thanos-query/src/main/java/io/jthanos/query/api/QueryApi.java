package io.jthanos.query.api;

import com.fasterxml.jackson.core.JsonGenerator;
import io.jthanos.promql.Engine;
import io.jthanos.promql.PromqlException;
import io.jthanos.promql.Query;
import io.jthanos.promql.QueryOptions;
import io.jthanos.promql.QueryResult;
import io.jthanos.promql.json.PrometheusJson;
import io.jthanos.promql.parser.Parser;
import io.jthanos.promql.parser.ParserOptions;
import io.jthanos.query.dedup.DedupAlgorithm;
import io.jthanos.query.querier.SelectOptions;
import io.jthanos.server.api.Api;
import io.jthanos.server.api.ApiException;
import io.jthanos.server.api.ApiResult;
import io.jthanos.server.api.ErrorType;
import io.jthanos.server.http.Request;
import io.jthanos.server.http.Router;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.Matcher;
import io.jthanos.tsdb.storage.LabelHints;
import io.jthanos.tsdb.storage.LabelResult;
import io.jthanos.tsdb.storage.Querier;
import io.jthanos.tsdb.storage.Queryable;
import io.jthanos.tsdb.storage.SelectHints;
import io.jthanos.tsdb.storage.SeriesSet;
import io.jthanos.tsdb.storage.StorageException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The Prometheus-compatible query API of the querier with Thanos' parameters ({@code dedup}, {@code
 * replicaLabels[]}, {@code partial_response}, {@code max_source_resolution}, {@code storeMatch[]},
 * {@code lookback_delta}, {@code engine}, {@code analyze}, {@code stats}): {@code /query}, {@code
 * /query_range}, {@code /series}, {@code /labels}, {@code /label/:name/values}. GET and
 * form-encoded POST; errors and warnings in Thanos' envelope.
 */
public final class QueryApi {
  /** What the API needs from the querier's configuration. */
  public record Settings(
      List<String> replicaLabels,
      DedupAlgorithm algorithm,
      boolean partialResponse,
      boolean autoDownsampling,
      long instantDefaultMaxSourceResolutionMs,
      long defaultStepMs,
      long metadataDefaultTimeRangeMs,
      long queryTimeoutMs,
      boolean dynamicLookbackDelta,
      long engineLookbackDeltaMs,
      int maxConcurrent,
      String tenantHeader,
      String defaultTenant,
      boolean enforceTenancy,
      String tenantLabel) {}

  /** Go's form parsing ignores POST bodies over 10 MiB ("http: POST too large"). */
  static final int MAX_FORM_BYTES = 10 << 20;

  private final Engine engine;
  private final Function<SelectOptions, Queryable> storage;
  private final Settings s;
  private final Clock clock;
  private final Semaphore concurrency;
  private final ParserOptions parserOptions;

  public QueryApi(
      Engine engine, Function<SelectOptions, Queryable> storage, Settings settings, Clock clock) {
    this.engine = engine;
    this.storage = storage;
    this.s = settings;
    this.clock = clock;
    this.concurrency = new Semaphore(Math.max(1, settings.maxConcurrent()), true);
    this.parserOptions =
        new ParserOptions(engine.options().semantics(), engine.options().experimentalFunctions());
  }

  /** Registers the endpoints under {@code prefix + "/api/v1"}. */
  public void register(Router r, Api api, String prefix) {
    String p = prefix + "/api/v1";
    r.getAndPost(p + "/query", "query", api.wrap(this::query));
    r.getAndPost(p + "/query_range", "query_range", api.wrap(this::queryRange));
    r.getAndPost(p + "/series", "series", api.wrap(this::series));
    r.getAndPost(p + "/labels", "label_names", api.wrap(this::labelNames));
    r.get(p + "/label/:name/values", "label_values", api.wrap(this::labelValues));
  }

  // --- query -----------------------------------------------------------------------------------

  ApiResult query(Request req) throws Exception {
    checkBody(req);
    long now = clock.millis();
    long ts = timeParam(req, "time", now);
    long timeoutMs = timeoutParam(req);
    boolean dedup = ApiParams.boolParam(req.param("dedup"), "dedup", true);
    long maxRes = downsamplingParam(req, s.instantDefaultMaxSourceResolutionMs());
    SelectOptions so = selectOptions(req, dedup, maxRes, timeoutMs);
    long lookback = lookback(req, maxRes);
    engineParam(req);
    String q = req.param("query");
    return run(
        () ->
            engine.instantQuery(
                storage.apply(so), q == null ? "" : q, ts, new QueryOptions(lookback, timeoutMs)),
        req);
  }

  ApiResult queryRange(Request req) throws Exception {
    checkBody(req);
    long start = parseTimeBare(req.param("start"));
    long end = parseTimeBare(req.param("end"));
    if (end < start) {
      throw ApiException.badData("end timestamp must not be before start time");
    }
    long step;
    String stepText = req.param("step");
    if (stepText != null && !stepText.isEmpty()) {
      try {
        step = ApiParams.parseDuration(stepText).toMillis();
      } catch (IllegalArgumentException e) {
        throw ApiException.badData("'step' parameter: " + e.getMessage());
      }
    } else {
      long rangeSeconds = (end - start) / 1000;
      step = Math.max(rangeSeconds / 250, s.defaultStepMs() / 1000) * 1000;
    }
    if (step <= 0) {
      throw ApiException.badData(
          "zero or negative query resolution step widths are not accepted. Try a positive integer");
    }
    if ((end - start) / step > 11_000) {
      throw ApiException.badData(
          "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query"
              + " resolution (?step=XX)");
    }
    long timeoutMs = timeoutParam(req);
    boolean dedup = ApiParams.boolParam(req.param("dedup"), "dedup", true);
    long maxRes = downsamplingParam(req, step / 5);
    SelectOptions so = selectOptions(req, dedup, maxRes, timeoutMs);
    long lookback = lookback(req, maxRes);
    engineParam(req);
    String q = req.param("query");
    long st = step;
    return run(
        () ->
            engine.rangeQuery(
                storage.apply(so),
                q == null ? "" : q,
                start,
                end,
                st,
                new QueryOptions(lookback, timeoutMs)),
        req);
  }

  @FunctionalInterface
  private interface QuerySupplier {
    Query get();
  }

  private ApiResult run(QuerySupplier prepare, Request req) throws Exception {
    Query query;
    try {
      query = prepare.get();
    } catch (PromqlException e) {
      throw apiError(e);
    }
    if (!concurrency.tryAcquire(s.queryTimeoutMs(), TimeUnit.MILLISECONDS)) {
      throw new ApiException(ErrorType.TIMEOUT, "query timed out in queue");
    }
    QueryResult result;
    // A client that goes away cancels its query instead of letting it run to the timeout.
    try (AutoCloseable cancelOnDisconnect = req.onDisconnect(query::cancel)) {
      result = query.exec();
    } catch (PromqlException e) {
      throw apiError(e);
    } finally {
      concurrency.release();
    }
    boolean stats = req.param("stats") != null && !req.param("stats").isEmpty();
    boolean analyze = "true".equals(req.param("analyze")) || "1".equals(req.param("analyze"));
    List<String> warnings = result.allWarnings();
    return ApiResult.of(
        (ApiResult.JsonWriter)
            g -> {
              PrometheusJson.configure(g);
              g.writeStartObject();
              g.writeStringField("resultType", result.value().resultType());
              g.writeFieldName("result");
              PrometheusJson.writeResult(g, result.value());
              if (stats) {
                g.writeObjectFieldStart("stats");
                g.writeObjectFieldStart("timings");
                g.writeNumberField("evalTotalTime", 0);
                g.writeEndObject();
                g.writeEndObject();
              }
              if (analyze) {
                g.writeObjectFieldStart("analysis");
                g.writeEndObject();
              }
              g.writeEndObject();
            },
        warnings);
  }

  static ApiException apiError(PromqlException e) {
    ErrorType t =
        switch (e.type()) {
          case BAD_DATA -> ErrorType.BAD_DATA;
          case EXECUTION -> ErrorType.EXECUTION;
          case TIMEOUT -> ErrorType.TIMEOUT;
          case CANCELED -> ErrorType.CANCELED;
          case INTERNAL -> ErrorType.INTERNAL;
        };
    return new ApiException(t, e.getMessage(), e);
  }

  // --- metadata --------------------------------------------------------------------------------

  ApiResult series(Request req) throws Exception {
    checkBody(req);
    List<String> matches = req.params("match[]");
    if (matches.isEmpty()) {
      throw ApiException.badData("no match[] parameter provided");
    }
    long[] range = metadataRange(req);
    boolean dedup = ApiParams.boolParam(req.param("dedup"), "dedup", true);
    SelectOptions so = selectOptions(req, dedup, 0, s.queryTimeoutMs());
    List<List<Matcher>> selectors = parseSelectors(matches);
    long limit = limitParam(req);
    LinkedHashSet<String> warnings = new LinkedHashSet<>();
    TreeSet<Labels> all = new TreeSet<>(Labels::compare);
    try (Querier q = storage.apply(so).querier(range[0], range[1])) {
      for (List<Matcher> sel : selectors) {
        SelectHints h =
            new SelectHints(range[0], range[1], 0, "series", 0, List.of(), false, 0, 0, 0, false);
        try (SeriesSet set = q.select(true, h, sel)) {
          while (set.next()) {
            all.add(set.at().labels());
          }
          warnings.addAll(set.warnings());
        }
      }
    } catch (StorageException e) {
      // Thanos answers a store that failed the request as an execution error.
      throw new ApiException(ErrorType.EXECUTION, e.getMessage(), e);
    }
    List<Labels> out = new ArrayList<>(all);
    if (limit > 0 && out.size() > limit) {
      out = out.subList(0, (int) limit);
      warnings.add("results truncated due to limit");
    }
    List<Labels> result = out;
    return ApiResult.of(
        (ApiResult.JsonWriter)
            g -> {
              PrometheusJson.configure(g);
              g.writeStartArray();
              for (Labels l : result) {
                PrometheusJson.writeLabels(g, l);
              }
              g.writeEndArray();
            },
        new ArrayList<>(warnings));
  }

  ApiResult labelNames(Request req) throws Exception {
    checkBody(req);
    long[] range = metadataRange(req);
    boolean dedup = ApiParams.boolParam(req.param("dedup"), "dedup", true);
    SelectOptions so = selectOptions(req, dedup, 0, s.queryTimeoutMs());
    List<List<Matcher>> selectors = parseSelectors(req.params("match[]"));
    long limit = limitParam(req);
    return labels(so, range, selectors, limit, null);
  }

  ApiResult labelValues(Request req) throws Exception {
    String name = req.pathParam("name");
    if (name != null && name.startsWith("U__")) {
      name = unescapeUtf8(name);
    }
    if (name == null || !validLabelName(name)) {
      throw ApiException.badData("invalid label name: " + GoQuote.quote(String.valueOf(name)));
    }
    long[] range = metadataRange(req);
    boolean dedup = ApiParams.boolParam(req.param("dedup"), "dedup", true);
    SelectOptions so = selectOptions(req, dedup, 0, s.queryTimeoutMs());
    List<List<Matcher>> selectors = parseSelectors(req.params("match[]"));
    long limit = limitParam(req);
    return labels(so, range, selectors, limit, name);
  }

  private ApiResult labels(
      SelectOptions so, long[] range, List<List<Matcher>> selectors, long limit, String name)
      throws ApiException {
    TreeSet<String> values = new TreeSet<>();
    LinkedHashSet<String> warnings = new LinkedHashSet<>();
    LabelHints hints = new LabelHints(limit);
    try (Querier q = storage.apply(so).querier(range[0], range[1])) {
      if (selectors.isEmpty()) {
        LabelResult r =
            name == null ? q.labelNames(hints, List.of()) : q.labelValues(name, hints, List.of());
        values.addAll(r.values());
        warnings.addAll(r.warnings());
      } else {
        for (List<Matcher> sel : selectors) {
          LabelResult r = name == null ? q.labelNames(hints, sel) : q.labelValues(name, hints, sel);
          values.addAll(r.values());
          warnings.addAll(r.warnings());
        }
      }
    } catch (StorageException e) {
      // Thanos answers a store that failed the request as an execution error.
      throw new ApiException(ErrorType.EXECUTION, e.getMessage(), e);
    }
    List<String> out = new ArrayList<>(values);
    if (limit > 0 && out.size() > limit) {
      out = out.subList(0, (int) limit);
      warnings.add("results truncated due to limit");
    }
    List<String> result = out;
    return ApiResult.of(
        (ApiResult.JsonWriter)
            g -> {
              PrometheusJson.configure(g);
              g.writeStartArray();
              for (String v : result) {
                g.writeString(v);
              }
              g.writeEndArray();
            },
        new ArrayList<>(warnings));
  }

  // --- parameters ------------------------------------------------------------------------------

  private static void checkBody(Request req) throws ApiException {
    if (req.body() != null && req.body().length > MAX_FORM_BYTES) {
      throw ApiException.badData("error parsing form values: http: POST too large");
    }
  }

  static long timeParam(Request req, String name, long def) throws ApiException {
    String v = req.param(name);
    if (v == null || v.isEmpty()) {
      return def;
    }
    try {
      return ApiParams.parseTime(v);
    } catch (IllegalArgumentException e) {
      throw ApiException.badData("Invalid time value for '" + name + "': " + e.getMessage());
    }
  }

  static long parseTimeBare(String v) throws ApiException {
    try {
      return ApiParams.parseTime(v);
    } catch (IllegalArgumentException e) {
      throw ApiException.badData(e.getMessage());
    }
  }

  private long timeoutParam(Request req) throws ApiException {
    String v = req.param("timeout");
    if (v == null || v.isEmpty()) {
      return s.queryTimeoutMs();
    }
    try {
      long t = ApiParams.parseDuration(v).toMillis();
      return t <= 0 ? s.queryTimeoutMs() : Math.min(t, s.queryTimeoutMs());
    } catch (IllegalArgumentException e) {
      throw ApiException.badData("invalid parameter \"timeout\": " + e.getMessage());
    }
  }

  private long downsamplingParam(Request req, long defaultMs) throws ApiException {
    String v = req.param("max_source_resolution");
    long res = 0;
    if (s.autoDownsampling() || "auto".equals(v)) {
      res = defaultMs;
    }
    if (v != null && !v.isEmpty() && !v.equals("auto")) {
      try {
        Duration d = ApiParams.parseDuration(v);
        res = d.toMillis();
      } catch (IllegalArgumentException e) {
        throw ApiException.badData("'max_source_resolution' parameter: " + e.getMessage());
      }
    }
    if (res < 0) {
      throw ApiException.badData(
          "negative 'max_source_resolution' is not accepted. Try a positive integer");
    }
    return res;
  }

  /** Thanos' dynamic lookback: 1h when data coarser than 5m may be used. */
  private long lookback(Request req, long maxResMs) throws ApiException {
    long lookback = 0;
    if (s.dynamicLookbackDelta()) {
      long ld = s.engineLookbackDeltaMs();
      long[] res = {0, 300_000, 3_600_000};
      long[] lds = new long[3];
      long cur = ld;
      for (int i = 0; i < res.length; i++) {
        if (ld < res[i]) {
          cur = res[i];
        }
        lds[i] = cur;
      }
      lookback = lds[0];
      for (int i = res.length - 1; i >= 1; i--) {
        long left = Math.max(res[i - 1], ld);
        if (left < maxResMs) {
          lookback = lds[i];
          break;
        }
      }
      if (lookback == ld) {
        lookback = 0;
      }
    }
    String v = req.param("lookback_delta");
    if (v != null && !v.isEmpty()) {
      try {
        long fromReq = ApiParams.parseDuration(v).toMillis();
        if (fromReq > 0) {
          lookback = fromReq;
        }
      } catch (IllegalArgumentException e) {
        throw ApiException.badData("'lookback_delta' parameter: " + e.getMessage());
      }
    }
    return lookback;
  }

  private static void engineParam(Request req) throws ApiException {
    String e = req.param("engine");
    if (e != null && !e.isEmpty() && !e.equals("prometheus") && !e.equals("thanos")) {
      throw ApiException.badData("'engine' parameter: invalid engine " + GoQuote.quote(e));
    }
  }

  private SelectOptions selectOptions(Request req, boolean dedup, long maxRes, long timeoutMs)
      throws ApiException {
    List<String> replicas = req.params("replicaLabels[]");
    if (replicas.isEmpty()) {
      replicas = s.replicaLabels();
    }
    boolean partial =
        ApiParams.boolParam(req.param("partial_response"), "partial_response", s.partialResponse());
    List<List<Matcher>> storeMatchers = parseSelectors(req.params("storeMatch[]"));
    String tenant = req.header(s.tenantHeader());
    if (tenant == null || tenant.isEmpty()) {
      tenant = s.defaultTenant();
    }
    List<Matcher> enforced =
        s.enforceTenancy() ? List.of(Matcher.equal(s.tenantLabel(), tenant)) : List.of();
    return new SelectOptions(
        dedup,
        replicas,
        s.algorithm(),
        partial,
        maxRes,
        storeMatchers,
        tenant,
        timeoutMs,
        enforced);
  }

  private List<List<Matcher>> parseSelectors(List<String> texts) throws ApiException {
    List<List<Matcher>> out = new ArrayList<>(texts.size());
    for (String t : texts) {
      try {
        out.add(Parser.parseMetricSelector(t, parserOptions));
      } catch (PromqlException e) {
        throw ApiException.badData(e.getMessage());
      }
    }
    return out;
  }

  private long[] metadataRange(Request req) throws ApiException {
    long end = ApiParams.MAX_TIME_MS;
    long start = ApiParams.MIN_TIME_MS;
    if (s.metadataDefaultTimeRangeMs() > 0) {
      end = clock.millis();
      start = end - s.metadataDefaultTimeRangeMs();
    }
    String st = req.param("start");
    String en = req.param("end");
    if (st != null && !st.isEmpty()) {
      start = timeParamBad(st, "start");
    }
    if (en != null && !en.isEmpty()) {
      end = timeParamBad(en, "end");
    }
    if (end < start) {
      throw ApiException.badData("end timestamp must not be before start time");
    }
    return new long[] {start, end};
  }

  private static long timeParamBad(String v, String name) throws ApiException {
    try {
      return ApiParams.parseTime(v);
    } catch (IllegalArgumentException e) {
      throw ApiException.badData("invalid parameter \"" + name + "\": " + e.getMessage());
    }
  }

  private static long limitParam(Request req) throws ApiException {
    String v = req.param("limit");
    if (v == null || v.isEmpty()) {
      return 0;
    }
    try {
      long l = Long.parseLong(v);
      if (l < 0) {
        throw ApiException.badData("limit must be non-negative");
      }
      return l;
    } catch (NumberFormatException e) {
      throw ApiException.badData("invalid parameter \"limit\": cannot parse \"" + v + "\" to int");
    }
  }

  static boolean validLabelName(String n) {
    if (n.isEmpty()) {
      return false;
    }
    for (int i = 0; i < n.length(); i++) {
      char c = n.charAt(i);
      boolean ok =
          c == '_'
              || (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (i > 0 && c >= '0' && c <= '9');
      if (!ok) {
        return n.codePoints().noneMatch(Character::isISOControl);
      }
    }
    return true;
  }

  /** Grafana's {@code U__} escaping of UTF-8 label names ({@code _XX_} hex code points). */
  static String unescapeUtf8(String n) {
    String s = n.substring(3);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '_') {
        int close = s.indexOf('_', i + 1);
        if (close == i + 1) {
          sb.append('_');
          i++;
          continue;
        }
        if (close > i + 1) {
          try {
            sb.appendCodePoint(Integer.parseInt(s.substring(i + 1, close), 16));
            i = close;
            continue;
          } catch (IllegalArgumentException e) {
            return n;
          }
        }
        return n;
      }
      sb.append(c);
    }
    return sb.toString();
  }

  static void writeNothing(JsonGenerator g) throws IOException {}
}
