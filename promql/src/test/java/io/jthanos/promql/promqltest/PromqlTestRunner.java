package io.jthanos.promql.promqltest;

import io.jthanos.promql.Engine;
import io.jthanos.promql.EngineOptions;
import io.jthanos.promql.PromqlException;
import io.jthanos.promql.PromqlSemantics;
import io.jthanos.promql.QueryOptions;
import io.jthanos.promql.QueryResult;
import io.jthanos.promql.value.FloatSeries;
import io.jthanos.promql.value.Matrix;
import io.jthanos.promql.value.Sample;
import io.jthanos.promql.value.Scalar;
import io.jthanos.promql.value.StringValue;
import io.jthanos.promql.value.Value;
import io.jthanos.promql.value.Vector;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.LabelsBuilder;
import io.jthanos.tsdb.storage.Values;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs Prometheus' promqltest scripts ({@code load}, {@code clear}, {@code eval ...} with {@code
 * expect} lines) against an {@link Engine} over an {@link InMemoryStorage}, reporting each eval as
 * passed, failed or skipped (with the reason: native histograms, start timestamps, or an
 * experimental feature this engine does not implement).
 */
public final class PromqlTestRunner {
  public enum Outcome {
    PASS,
    FAIL,
    SKIP
  }

  /** One eval command's outcome; {@code id} is {@code suite/file:line}. */
  public record CaseResult(
      String id, String expr, Outcome outcome, String detail, boolean floatOnly) {}

  /** All cases of a suite. */
  public record SuiteResult(String suite, List<CaseResult> cases) {
    public long count(Outcome o) {
      return cases.stream().filter(c -> c.outcome() == o).count();
    }

    public long countFloatOnly(Outcome o) {
      return cases.stream().filter(c -> c.floatOnly() && c.outcome() == o).count();
    }

    /** {@code promqltest <suite>: N passed, M failed, K skipped}. */
    public String summary() {
      return "promqltest "
          + suite
          + ": "
          + count(Outcome.PASS)
          + " passed, "
          + count(Outcome.FAIL)
          + " failed, "
          + count(Outcome.SKIP)
          + " skipped";
    }
  }

  private static final double EPSILON = 1e-6;
  private static final double MIN_NORMAL = 2.2250738585072014e-308;
  private static final Pattern POSITION_SUFFIX = Pattern.compile(" \\(\\d+:\\d+\\)$");
  private static final Pattern IDENT = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  private record SkipRule(Pattern pattern, String reason) {}

  private static final List<SkipRule> EXPERIMENTAL =
      List.of(
          new SkipRule(
              Pattern.compile("\\s(anchored|smoothed)\\b"),
              "anchored/smoothed range selectors (experimental) are not implemented"),
          new SkipRule(
              Pattern.compile("\\bfill(_left|_right)?\\s*\\("),
              "binary operator fill modifiers (experimental) are not implemented"),
          new SkipRule(
              Pattern.compile("\\binfo\\s*\\("), "info() (experimental) is not implemented"),
          new SkipRule(
              Pattern.compile("__type__|__unit__"),
              "type and unit metadata labels (experimental) are not implemented"),
          new SkipRule(
              Pattern.compile("\\bhistogram_quantiles\\s*\\("),
              "histogram_quantiles() (experimental) is not implemented"),
          new SkipRule(
              Pattern.compile("\\bstart_timestamp\\s*\\("),
              "start timestamps (experimental) are not supported"),
          new SkipRule(
              Pattern.compile(
                  "(?i)offset\\s+-?\\s*(step|range)\\s*\\(|\\b(min_of|max_of)\\s*\\(|\\b(step|range)\\s*\\(\\s*\\)\\s*[-+*/%^,:\\]\\)]|offset\\s*-?\\s*\\(|\\[[^\\]]*[0-9smhdwy)]\\s*[-+*/%^]\\s*[0-9(][^\\]]*\\]"),
              "duration expressions (experimental) are not implemented"));

  private final EngineOptions opts;
  private final Engine engine;

  public PromqlTestRunner(EngineOptions opts) {
    this.opts = opts;
    this.engine = new Engine(opts);
  }

  /** Engine settings the Prometheus 2.42 scripts assume. */
  public static EngineOptions prometheus2Options() {
    return EngineOptions.builder()
        .semantics(PromqlSemantics.PROMETHEUS_2)
        .timeoutMs(100_000)
        .build();
  }

  /**
   * Engine settings the Prometheus 3.x scripts assume (experimental functions, delayed name
   * removal).
   */
  public static EngineOptions prometheus3Options() {
    return EngineOptions.builder()
        .semantics(PromqlSemantics.PROMETHEUS_3)
        .timeoutMs(100_000)
        .experimentalFunctions(true)
        .delayedNameRemoval(true)
        .build();
  }

  public SuiteResult runSuite(String suite, Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".test")).sorted().toList();
    }
    List<CaseResult> all = new ArrayList<>();
    for (Path f : files) {
      all.addAll(runFile(suite, f));
    }
    return new SuiteResult(suite, all);
  }

  public List<CaseResult> runFile(String suite, Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    String fileId = suite + "/" + file.getFileName();
    boolean startTimestamps = lines.stream().anyMatch(l -> l.contains("@st "));
    List<CaseResult> out = new ArrayList<>();
    TestScript script;
    try {
      script =
          TestScript.parse(
              startTimestamps ? lines.stream().filter(l -> !l.contains("@st ")).toList() : lines);
    } catch (RuntimeException e) {
      out.add(new CaseResult(fileId + ":0", "", Outcome.FAIL, "script parse error: " + e, true));
      return out;
    }
    InMemoryStorage storage = new InMemoryStorage();
    Set<String> histMetrics = new HashSet<>();
    boolean[] typeAndUnit = new boolean[1];
    for (TestScript.Command c : script.commands) {
      switch (c) {
        case TestScript.Clear cl -> {
          storage.clear();
          histMetrics.clear();
          typeAndUnit[0] = false;
        }
        case TestScript.Load l -> {
          load(storage, l, histMetrics);
          for (SeriesDescription sd : l.series()) {
            if (sd.labels().has("__type__") || sd.labels().has("__unit__")) {
              typeAndUnit[0] = true;
            }
          }
        }
        case TestScript.Eval ev -> {
          String id = fileId + ":" + ev.line();
          boolean hist = touchesHistograms(ev, histMetrics);
          if (startTimestamps) {
            out.add(
                new CaseResult(
                    id,
                    ev.expr(),
                    Outcome.SKIP,
                    "start timestamps (@st) are not supported",
                    !hist));
            continue;
          }
          String skip =
              hist ? "native histograms are not supported yet" : experimentalSkip(ev.expr());
          if (skip == null && typeAndUnit[0]) {
            skip = "type and unit metadata labels (experimental) are not implemented";
          }
          if (skip != null) {
            out.add(new CaseResult(id, ev.expr(), Outcome.SKIP, skip, !hist));
            continue;
          }
          String failure;
          try {
            failure = eval(storage, ev);
          } catch (NativeHistogram e) {
            out.add(
                new CaseResult(
                    id, ev.expr(), Outcome.SKIP, "native histograms are not supported yet", false));
            continue;
          } catch (RuntimeException e) {
            failure = "runner error: " + e;
          }
          out.add(
              new CaseResult(
                  id, ev.expr(), failure == null ? Outcome.PASS : Outcome.FAIL, failure, true));
        }
      }
    }
    return out;
  }

  private static String experimentalSkip(String expr) {
    for (SkipRule r : EXPERIMENTAL) {
      if (r.pattern().matcher(expr).find()) {
        return r.reason();
      }
    }
    return null;
  }

  private static boolean touchesHistograms(TestScript.Eval ev, Set<String> histMetrics) {
    for (String r : ev.results()) {
      if (r.contains("{{")) {
        return true;
      }
    }
    if (histMetrics.isEmpty()) {
      return false;
    }
    Matcher m = IDENT.matcher(ev.expr());
    while (m.find()) {
      if (histMetrics.contains(m.group())) {
        return true;
      }
    }
    return false;
  }

  private static void load(InMemoryStorage storage, TestScript.Load l, Set<String> histMetrics) {
    for (SeriesDescription sd : l.series()) {
      List<SeriesDescription.Item> items = sd.items();
      for (int i = 0; i < items.size(); i++) {
        SeriesDescription.Item it = items.get(i);
        long t = i * l.stepMs();
        switch (it.kind()) {
          case FLOAT -> storage.append(sd.labels(), t, it.value());
          case HISTOGRAM -> {
            storage.appendHistogram(sd.labels(), t);
            histMetrics.add(sd.labels().metricName());
          }
          case OMITTED -> {}
        }
      }
    }
    if (!l.withNhcb()) {
      return;
    }
    // load_with_nhcb: every classic histogram X_bucket{le=...} also becomes a native histogram X.
    Map<Labels, Set<Long>> nhcb = new LinkedHashMap<>();
    for (SeriesDescription sd : l.series()) {
      String name = sd.labels().metricName();
      if (!name.endsWith("_bucket") || !sd.labels().has("le")) {
        continue;
      }
      LabelsBuilder b = sd.labels().without("le").toBuilder();
      b.set(Labels.METRIC_NAME, name.substring(0, name.length() - "_bucket".length()));
      Set<Long> ts = nhcb.computeIfAbsent(b.build(), k -> new java.util.TreeSet<>());
      for (int i = 0; i < sd.items().size(); i++) {
        if (sd.items().get(i).kind() != SeriesDescription.Item.Kind.OMITTED) {
          ts.add(i * l.stepMs());
        }
      }
    }
    for (Map.Entry<Labels, Set<Long>> e : nhcb.entrySet()) {
      histMetrics.add(e.getKey().metricName());
      for (long t : e.getValue()) {
        storage.appendHistogram(e.getKey(), t);
      }
    }
  }

  private static final class NativeHistogram extends RuntimeException {
    NativeHistogram() {
      super(null, null, false, false);
    }
  }

  /** Returns null when the eval passes, else what went wrong. */
  private String eval(InMemoryStorage storage, TestScript.Eval ev) {
    QueryResult res;
    TestScript.Expect fail = ev.expectation("fail");
    try {
      if (ev.range()) {
        res =
            engine
                .rangeQuery(
                    storage, ev.expr(), ev.start(), ev.end(), ev.step(), QueryOptions.DEFAULT)
                .exec();
      } else {
        res = engine.instantQuery(storage, ev.expr(), ev.start(), QueryOptions.DEFAULT).exec();
      }
    } catch (PromqlException e) {
      String msg = e.getMessage();
      if (msg != null && msg.contains("native histograms are not supported")) {
        throw new NativeHistogram();
      }
      if (fail == null) {
        return "unexpected error: " + msg;
      }
      if (fail.msg() != null && !fail.msg().equals(msg)) {
        return "expected error \"" + fail.msg() + "\" but got \"" + msg + "\"";
      }
      if (fail.regex() != null
          && !com.google.re2j.Pattern.compile(fail.regex()).matcher(msg).find()) {
        return "expected error matching " + fail.regex() + " but got \"" + msg + "\"";
      }
      return null;
    }
    if (fail != null) {
      return "expected an error but the query succeeded: " + describe(res.value());
    }
    String annos = checkAnnotations(ev, res);
    String values = checkValue(ev, res.value());
    if (values != null) {
      return values;
    }
    if (annos != null) {
      return annos;
    }
    return checkRangeConsistency(storage, ev, res.value());
  }

  private static final Pattern TIME_DEPENDENT =
      Pattern.compile("\\b(start|end|range|step)\\s*\\(\\s*\\)");

  /**
   * Prometheus' runner also evaluates every instant query as a range query from t-1m to t+1m and
   * expects the middle step to give the instant result.
   */
  private String checkRangeConsistency(InMemoryStorage storage, TestScript.Eval ev, Value instant) {
    if (ev.range()
        || ev.rangeVectorStart() != null
        || ev.expectString()
        || ev.expects("ordered")
        || TIME_DEPENDENT.matcher(ev.expr()).find()
        || !(instant instanceof Vector || instant instanceof Scalar)) {
      return null;
    }
    long t = ev.start();
    QueryResult rr;
    try {
      rr =
          engine
              .rangeQuery(storage, ev.expr(), t - 60_000, t + 60_000, 60_000, QueryOptions.DEFAULT)
              .exec();
    } catch (PromqlException e) {
      if (e.getMessage() != null
          && e.getMessage().contains("native histograms are not supported")) {
        throw new NativeHistogram();
      }
      return "range-mode evaluation failed: " + e.getMessage();
    }
    if (!(rr.value() instanceof Matrix m)) {
      return "range-mode evaluation returned " + describe(rr.value());
    }
    List<Sample> middle = new ArrayList<>();
    for (int k = 0; k < m.series().size(); k++) {
      FloatSeries fs = m.series().get(k);
      if (k > 0 && Labels.compare(m.series().get(k - 1).labels(), fs.labels()) >= 0) {
        return "range-mode result not sorted by labels";
      }
      for (int i = 0; i < fs.size(); i++) {
        if (fs.timestamps()[i] == t) {
          middle.add(new Sample(fs.labels(), t, fs.values()[i]));
        }
      }
    }
    String err;
    if (instant instanceof Scalar) {
      if (middle.size() != 1) {
        return "range-mode middle step has " + middle.size() + " points for a scalar";
      }
      err = checkValue(ev, new Scalar(t, middle.get(0).value()));
    } else {
      err = checkValue(ev, new Vector(middle));
    }
    return err == null ? null : "in range mode: " + err;
  }

  private static List<String> strip(List<String> in) {
    List<String> out = new ArrayList<>(in.size());
    for (String s : in) {
      out.add(POSITION_SUFFIX.matcher(s).replaceFirst(""));
    }
    return out;
  }

  private static String checkAnnotations(TestScript.Eval ev, QueryResult res) {
    String w = checkKind(ev, "warn", "no_warn", strip(res.warnings()));
    if (w != null) {
      return w;
    }
    return checkKind(ev, "info", "no_info", strip(res.infos()));
  }

  private static String checkKind(TestScript.Eval ev, String kind, String none, List<String> got) {
    List<TestScript.Expect> exp = new ArrayList<>();
    boolean no = false;
    for (TestScript.Expect e : ev.expects()) {
      if (e.kind().equals(kind)) {
        exp.add(e);
      } else if (e.kind().equals(none)) {
        no = true;
      }
    }
    if (no && !got.isEmpty()) {
      return "expected no " + kind + " annotations but got " + got;
    }
    if (exp.isEmpty()) {
      return null;
    }
    if (got.isEmpty()) {
      return "expected " + kind + " annotations but got none";
    }
    for (TestScript.Expect e : exp) {
      if (e.msg() == null && e.regex() == null) {
        continue;
      }
      boolean found = got.stream().anyMatch(g -> matches(e, g));
      if (!found) {
        return "expected "
            + kind
            + " annotation "
            + (e.msg() != null ? "\"" + e.msg() + "\"" : "matching " + e.regex())
            + " but got "
            + got;
      }
    }
    for (String g : got) {
      boolean matched = exp.stream().anyMatch(e -> matches(e, g));
      if (!matched) {
        return "unexpected " + kind + " annotation \"" + g + "\"";
      }
    }
    return null;
  }

  private static boolean matches(TestScript.Expect e, String g) {
    if (e.msg() != null) {
      return e.msg().equals(g);
    }
    if (e.regex() != null) {
      return com.google.re2j.Pattern.compile(e.regex()).matcher(g).find();
    }
    return true;
  }

  static boolean almostEqual(double a, double b) {
    if (Double.isNaN(a) && Double.isNaN(b)) {
      return true;
    }
    if (Values.isStaleNaN(a) || Values.isStaleNaN(b)) {
      return Values.isStaleNaN(a) && Values.isStaleNaN(b);
    }
    if (a == b) {
      return true;
    }
    double absSum = Math.abs(a) + Math.abs(b);
    double diff = Math.abs(a - b);
    if (a == 0 || b == 0 || absSum < MIN_NORMAL) {
      return diff < EPSILON * MIN_NORMAL;
    }
    return diff / Math.min(absSum, Double.MAX_VALUE) < EPSILON;
  }

  private static boolean isScalarLine(String line) {
    if (line.split("\\s+").length != 1) {
      return false;
    }
    try {
      SeriesDescription.number(line);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private String checkValue(TestScript.Eval ev, Value v) {
    if (ev.expectString()) {
      if (!(v instanceof StringValue s)) {
        return "expected a string, got " + describe(v);
      }
      return s.value().equals(ev.expectedString())
          ? null
          : "expected string \"" + ev.expectedString() + "\", got \"" + s.value() + "\"";
    }
    List<String> results = ev.results();
    if (results.size() == 1 && isScalarLine(results.get(0))) {
      double exp = SeriesDescription.number(results.get(0));
      if (!(v instanceof Scalar s)) {
        return "expected scalar " + exp + ", got " + describe(v);
      }
      return almostEqual(exp, s.value()) ? null : "expected scalar " + exp + ", got " + s.value();
    }
    if (ev.range() || ev.rangeVectorStart() != null) {
      long start = ev.range() ? ev.start() : ev.rangeVectorStart();
      long step = ev.range() ? ev.step() : ev.rangeVectorStep();
      if (v instanceof Vector vec && vec.samples().isEmpty() && results.isEmpty()) {
        return null;
      }
      if (!(v instanceof Matrix m)) {
        return "expected a matrix, got " + describe(v);
      }
      return compareMatrix(results, start, step, m);
    }
    if (v instanceof Matrix m && m.series().isEmpty() && results.isEmpty()) {
      return null;
    }
    if (!(v instanceof Vector vec)) {
      return "expected a vector, got " + describe(v);
    }
    return compareVector(results, vec, ev.expects("ordered"));
  }

  private static String compareVector(List<String> results, Vector vec, boolean ordered) {
    List<SeriesDescription> exp = new ArrayList<>();
    for (String r : results) {
      exp.add(SeriesDescription.parse(r));
    }
    if (exp.size() != vec.samples().size()) {
      return "expected "
          + exp.size()
          + " samples, got "
          + vec.samples().size()
          + ": "
          + describe(vec)
          + " expected "
          + results;
    }
    Map<Labels, Double> expected = new HashMap<>();
    for (SeriesDescription sd : exp) {
      if (sd.items().size() != 1 || sd.items().get(0).kind() != SeriesDescription.Item.Kind.FLOAT) {
        return "expected line with one value: " + sd;
      }
      expected.put(sd.labels(), sd.items().get(0).value());
    }
    for (int i = 0; i < vec.samples().size(); i++) {
      Sample s = vec.samples().get(i);
      Double e = expected.get(s.labels());
      if (e == null) {
        return "unexpected series " + s.labels() + " " + s.value() + "; expected " + results;
      }
      if (!almostEqual(e, s.value())) {
        return "series " + s.labels() + ": expected " + e + ", got " + s.value();
      }
      if (ordered && !exp.get(i).labels().equals(s.labels())) {
        return "expected " + exp.get(i).labels() + " at position " + i + ", got " + s.labels();
      }
    }
    return null;
  }

  private static String compareMatrix(List<String> results, long start, long step, Matrix m) {
    Map<Labels, List<long[]>> exp = new LinkedHashMap<>();
    Map<Labels, List<Double>> expV = new LinkedHashMap<>();
    for (String r : results) {
      SeriesDescription sd = SeriesDescription.parse(r);
      List<long[]> ts = new ArrayList<>();
      List<Double> vs = new ArrayList<>();
      for (int i = 0; i < sd.items().size(); i++) {
        SeriesDescription.Item it = sd.items().get(i);
        if (it.kind() == SeriesDescription.Item.Kind.FLOAT) {
          ts.add(new long[] {start + i * step});
          vs.add(it.value());
        }
      }
      exp.put(sd.labels(), ts);
      expV.put(sd.labels(), vs);
    }
    if (exp.size() != m.series().size()) {
      return "expected " + exp.size() + " series, got " + m.series().size() + ": " + describe(m);
    }
    for (int k = 1; k < m.series().size(); k++) {
      if (Labels.compare(m.series().get(k - 1).labels(), m.series().get(k).labels()) >= 0) {
        return "matrix not sorted by labels";
      }
    }
    for (FloatSeries fs : m.series()) {
      List<long[]> ts = exp.get(fs.labels());
      if (ts == null) {
        return "unexpected series " + fs + "; expected " + results;
      }
      List<Double> vs = expV.get(fs.labels());
      if (ts.size() != fs.size()) {
        return "series " + fs.labels() + ": expected " + ts.size() + " points, got " + fs;
      }
      for (int i = 0; i < ts.size(); i++) {
        if (ts.get(i)[0] != fs.timestamps()[i]) {
          return "series " + fs.labels() + ": expected point at " + ts.get(i)[0] + ", got " + fs;
        }
        if (!almostEqual(vs.get(i), fs.values()[i])) {
          return "series "
              + fs.labels()
              + " at "
              + ts.get(i)[0]
              + ": expected "
              + vs.get(i)
              + ", got "
              + fs.values()[i];
        }
      }
    }
    return null;
  }

  static String describe(Value v) {
    return switch (v) {
      case Scalar s -> "scalar " + s.value();
      case StringValue s -> "string \"" + s.value() + "\"";
      case Vector vec -> {
        StringBuilder sb = new StringBuilder("vector[");
        for (Sample s : vec.samples()) {
          sb.append(s.labels()).append(' ').append(s.value()).append("; ");
        }
        yield sb.append(']').toString();
      }
      case Matrix m -> "matrix" + m.series();
    };
  }

  public EngineOptions options() {
    return opts;
  }
}
