package io.jthanos.promql.parser;

import java.util.List;

/**
 * A PromQL function's signature. {@code variadic}: 0 = exactly {@code argTypes.size()} arguments; n
 * > 0 = the last n arguments are optional; -1 = the last argument type repeats without limit.
 */
public record FunctionDef(
    String name,
    List<ValueType> argTypes,
    int variadic,
    ValueType returnType,
    boolean experimental) {
  public FunctionDef {
    argTypes = List.copyOf(argTypes);
  }
}
