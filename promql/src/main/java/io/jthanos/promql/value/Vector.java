package io.jthanos.promql.value;

import java.util.List;

/** An instant vector, in evaluation order (sorted only when the query sorts). */
public record Vector(List<Sample> samples) implements Value {
  public Vector {
    samples = List.copyOf(samples);
  }

  @Override
  public String resultType() {
    return "vector";
  }
}
