package io.jthanos.tsdb.storage;

/** Hints for label name/value lookups. {@code limit} 0 = no limit. */
public record LabelHints(long limit) {
  public static final LabelHints NONE = new LabelHints(0);
}
