package io.jthanos.promql.parser;

/** The type an expression evaluates to. */
public enum ValueType {
  NONE("none", "none"),
  SCALAR("scalar", "scalar"),
  VECTOR("vector", "instant vector"),
  MATRIX("matrix", "range vector"),
  STRING("string", "string");

  private final String name;
  private final String documented;

  ValueType(String name, String documented) {
    this.name = name;
    this.documented = documented;
  }

  /** The API's name ({@code resultType}): {@code vector}, {@code matrix}, ... */
  public String apiName() {
    return name;
  }

  /** The name used in error messages: {@code instant vector}, {@code range vector}, ... */
  public String documented() {
    return documented;
  }
}
