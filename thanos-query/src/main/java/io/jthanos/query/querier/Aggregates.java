package io.jthanos.query.querier;

import io.jthanos.proto.store.Aggr;
import java.util.List;

/**
 * Which downsampled aggregates a selection needs, from the PromQL function around it (Thanos'
 * {@code aggrsFromFunc}), and the resolution cap for range functions.
 */
public final class Aggregates {
  private Aggregates() {}

  public static List<Aggr> forFunction(String f) {
    if (f == null) {
      f = "";
    }
    if (f.equals("min") || f.startsWith("min_")) {
      return List.of(Aggr.MIN);
    }
    if (f.equals("max") || f.startsWith("max_")) {
      return List.of(Aggr.MAX);
    }
    if (f.equals("count") || f.startsWith("count_")) {
      return List.of(Aggr.COUNT);
    }
    // f == "sum" falls through: the sum of a series' values needs the average per point.
    if (f.startsWith("sum_")) {
      return List.of(Aggr.SUM);
    }
    switch (f) {
      case "increase", "rate", "irate", "resets", "xrate", "xincrease" -> {
        return List.of(Aggr.COUNTER);
      }
      default -> {
        return List.of(Aggr.COUNT, Aggr.SUM);
      }
    }
  }

  /** Functions whose window needs at least two samples: the resolution is capped to range/2. */
  public static boolean needsTwoSamples(String f) {
    return switch (f == null ? "" : f) {
      case "rate",
          "irate",
          "increase",
          "delta",
          "idelta",
          "deriv",
          "predict_linear",
          "holt_winters",
          "double_exponential_smoothing" ->
          true;
      default -> false;
    };
  }
}
