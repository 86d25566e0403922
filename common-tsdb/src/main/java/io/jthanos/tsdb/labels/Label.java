package io.jthanos.tsdb.labels;

/** One label: a name and a value. */
public record Label(String name, String value) {
  public Label {
    if (name == null || value == null) {
      throw new IllegalArgumentException("label name and value must not be null");
    }
  }
}
