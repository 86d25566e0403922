package io.jthanos.rules;

/**
 * A problem in a rule file, printed as Prometheus' rulefmt does: {@code <line>:<col>: group
 * "<name>", rule <n>, "<rule name>": <message>} for rule problems (the position is the offending
 * value's; a second one follows when two values conflict), {@code <line>:<col>: <message>} for
 * group problems, {@code yaml: unmarshal errors: ...} for the file's shape.
 *
 * @param alt the other value's position when two conflict ({@link Position#NONE} otherwise)
 * @param rule 1-based index of the rule in its group, 0 when the problem is not in a rule
 */
public record RuleFileError(
    String file,
    Position position,
    Position alt,
    String group,
    int rule,
    String ruleName,
    String message) {

  public RuleFileError(
      String file, Position position, String group, int rule, String ruleName, String message) {
    this(file, position, Position.NONE, group, rule, ruleName, message);
  }

  /** The error without the file name, in Prometheus' format. */
  public String describe() {
    String pos = position == null || position.equals(Position.NONE) ? "" : position + ": ";
    if (alt != null && !alt.equals(Position.NONE)) {
      pos = pos + alt + ": ";
    }
    if (rule > 0) {
      return pos + "group \"" + group + "\", rule " + rule + ", \"" + ruleName + "\": " + message;
    }
    return pos + message;
  }

  @Override
  public String toString() {
    return file + ": " + describe();
  }
}
