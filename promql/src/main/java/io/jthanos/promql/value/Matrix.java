package io.jthanos.promql.value;

import java.util.List;

/** A range vector (or range query result): series sorted by labels. */
public record Matrix(List<FloatSeries> series) implements Value {
  public Matrix {
    series = List.copyOf(series);
  }

  @Override
  public String resultType() {
    return "matrix";
  }
}
