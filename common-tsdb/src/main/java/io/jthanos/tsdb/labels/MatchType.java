package io.jthanos.tsdb.labels;

/** The four Prometheus matcher operators. */
public enum MatchType {
  EQUAL("="),
  NOT_EQUAL("!="),
  REGEX("=~"),
  NOT_REGEX("!~");

  private final String op;

  MatchType(String op) {
    this.op = op;
  }

  /** The operator as written in PromQL. */
  public String op() {
    return op;
  }

  public static MatchType fromOp(String op) {
    for (MatchType t : values()) {
      if (t.op.equals(op)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown matcher operator: " + op);
  }
}
