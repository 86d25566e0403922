package io.jthanos.promql.value;

/** A query result: {@link Scalar}, {@link StringValue}, {@link Vector} or {@link Matrix}. */
public sealed interface Value permits Scalar, StringValue, Vector, Matrix {
  /**
   * The API's {@code resultType}: {@code scalar}, {@code string}, {@code vector}, {@code matrix}.
   */
  String resultType();
}
