package io.jthanos.rules;

/**
 * A place in a rule file: 1-based line and column, as YAML parsers report them. {@code 0:0} is the
 * place of a key that is absent (Prometheus prints it so); {@link #NONE} is no place at all.
 */
public record Position(int line, int column) {
  public static final Position NONE = new Position(-1, -1);
  public static final Position ABSENT = new Position(0, 0);

  @Override
  public String toString() {
    return line + ":" + column;
  }
}
