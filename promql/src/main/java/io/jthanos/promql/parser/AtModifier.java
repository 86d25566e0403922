package io.jthanos.promql.parser;

/**
 * The {@code @} modifier of a selector or subquery: none, a fixed timestamp, or the query's start
 * or end.
 */
public record AtModifier(Kind kind, long timestampMs) {
  public enum Kind {
    NONE,
    TIMESTAMP,
    START,
    END
  }

  public static final AtModifier NONE = new AtModifier(Kind.NONE, 0);

  public static AtModifier at(long ms) {
    return new AtModifier(Kind.TIMESTAMP, ms);
  }

  public boolean isSet() {
    return kind != Kind.NONE;
  }

  /** The fixed evaluation time for this query's start/end, or null when not set. */
  public Long resolve(long queryStart, long queryEnd) {
    return switch (kind) {
      case NONE -> null;
      case TIMESTAMP -> timestampMs;
      case START -> queryStart;
      case END -> queryEnd;
    };
  }
}
