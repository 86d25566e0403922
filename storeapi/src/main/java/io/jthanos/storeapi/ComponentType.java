package io.jthanos.storeapi;

/** The component types Thanos reports in {@code InfoResponse.ComponentType}. */
public enum ComponentType {
  SIDECAR("sidecar"),
  STORE("store"),
  QUERY("query"),
  RULE("rule"),
  RECEIVE("receive"),
  DEBUG("debug");

  private final String id;

  ComponentType(String id) {
    this.id = id;
  }

  /** The string on the wire. */
  public String id() {
    return id;
  }

  @Override
  public String toString() {
    return id;
  }
}
