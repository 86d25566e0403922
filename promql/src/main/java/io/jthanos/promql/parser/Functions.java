package io.jthanos.promql.parser;

import static io.jthanos.promql.parser.ValueType.MATRIX;
import static io.jthanos.promql.parser.ValueType.SCALAR;
import static io.jthanos.promql.parser.ValueType.STRING;
import static io.jthanos.promql.parser.ValueType.VECTOR;

import io.jthanos.promql.PromqlSemantics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The function tables of Prometheus 2.42 and 3.x. */
public final class Functions {
  private Functions() {}

  private static final Map<String, FunctionDef> COMMON = new HashMap<>();
  private static final Map<String, FunctionDef> V2_ONLY = new HashMap<>();
  private static final Map<String, FunctionDef> V3_ONLY = new HashMap<>();

  private static void def(
      Map<String, FunctionDef> m,
      String name,
      ValueType ret,
      int variadic,
      boolean exp,
      ValueType... args) {
    m.put(name, new FunctionDef(name, List.of(args), variadic, ret, exp));
  }

  static {
    for (String f :
        List.of(
            "abs",
            "acos",
            "acosh",
            "asin",
            "asinh",
            "atan",
            "atanh",
            "ceil",
            "cos",
            "cosh",
            "deg",
            "exp",
            "floor",
            "ln",
            "log10",
            "log2",
            "rad",
            "sgn",
            "sin",
            "sinh",
            "sort",
            "sort_desc",
            "sqrt",
            "tan",
            "tanh",
            "timestamp",
            "absent",
            "histogram_count",
            "histogram_sum")) {
      def(COMMON, f, VECTOR, 0, false, VECTOR);
    }
    for (String f :
        List.of(
            "absent_over_time",
            "avg_over_time",
            "changes",
            "count_over_time",
            "delta",
            "deriv",
            "idelta",
            "increase",
            "irate",
            "last_over_time",
            "max_over_time",
            "min_over_time",
            "present_over_time",
            "rate",
            "resets",
            "stddev_over_time",
            "stdvar_over_time",
            "sum_over_time")) {
      def(COMMON, f, VECTOR, 0, false, MATRIX);
    }
    for (String f :
        List.of(
            "days_in_month",
            "day_of_month",
            "day_of_week",
            "day_of_year",
            "hour",
            "minute",
            "month",
            "year")) {
      def(COMMON, f, VECTOR, 1, false, VECTOR);
    }
    def(COMMON, "clamp", VECTOR, 0, false, VECTOR, SCALAR, SCALAR);
    def(COMMON, "clamp_max", VECTOR, 0, false, VECTOR, SCALAR);
    def(COMMON, "clamp_min", VECTOR, 0, false, VECTOR, SCALAR);
    def(COMMON, "histogram_fraction", VECTOR, 0, false, SCALAR, SCALAR, VECTOR);
    def(COMMON, "histogram_quantile", VECTOR, 0, false, SCALAR, VECTOR);
    def(COMMON, "label_replace", VECTOR, 0, false, VECTOR, STRING, STRING, STRING, STRING);
    def(COMMON, "label_join", VECTOR, -1, false, VECTOR, STRING, STRING, STRING);
    def(COMMON, "pi", SCALAR, 0, false);
    def(COMMON, "time", SCALAR, 0, false);
    def(COMMON, "predict_linear", VECTOR, 0, false, MATRIX, SCALAR);
    def(COMMON, "quantile_over_time", VECTOR, 0, false, SCALAR, MATRIX);
    def(COMMON, "round", VECTOR, 1, false, VECTOR, SCALAR);
    def(COMMON, "scalar", SCALAR, 0, false, VECTOR);
    def(COMMON, "vector", VECTOR, 0, false, SCALAR);

    def(V2_ONLY, "holt_winters", VECTOR, 0, false, MATRIX, SCALAR, SCALAR);

    def(V3_ONLY, "histogram_avg", VECTOR, 0, false, VECTOR);
    def(V3_ONLY, "histogram_stddev", VECTOR, 0, false, VECTOR);
    def(V3_ONLY, "histogram_stdvar", VECTOR, 0, false, VECTOR);
    def(V3_ONLY, "double_exponential_smoothing", VECTOR, 0, true, MATRIX, SCALAR, SCALAR);
    def(V3_ONLY, "sort_by_label", VECTOR, -1, true, VECTOR, STRING);
    def(V3_ONLY, "sort_by_label_desc", VECTOR, -1, true, VECTOR, STRING);
    for (String f :
        List.of(
            "mad_over_time",
            "first_over_time",
            "ts_of_first_over_time",
            "ts_of_last_over_time",
            "ts_of_max_over_time",
            "ts_of_min_over_time")) {
      def(V3_ONLY, f, VECTOR, 0, true, MATRIX);
    }
    for (String f : List.of("start", "end", "range", "step")) {
      def(V3_ONLY, f, SCALAR, 0, true);
    }
  }

  /** The function with that name in the given semantics, or null. */
  public static FunctionDef get(String name, PromqlSemantics semantics) {
    FunctionDef f = COMMON.get(name);
    if (f != null) {
      return f;
    }
    return semantics == PromqlSemantics.PROMETHEUS_2 ? V2_ONLY.get(name) : V3_ONLY.get(name);
  }
}
