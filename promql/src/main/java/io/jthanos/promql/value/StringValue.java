package io.jthanos.promql.value;

/** A string result at a timestamp (ms). */
public record StringValue(long timestamp, String value) implements Value {
  @Override
  public String resultType() {
    return "string";
  }
}
