package io.jthanos.block.relabel;

import java.util.Locale;

/** Prometheus relabel actions, spelled as in configs ({@code action: hashmod}). */
public enum RelabelAction {
  REPLACE("replace"),
  KEEP("keep"),
  DROP("drop"),
  KEEPEQUAL("keepequal"),
  DROPEQUAL("dropequal"),
  HASHMOD("hashmod"),
  LABELMAP("labelmap"),
  LABELDROP("labeldrop"),
  LABELKEEP("labelkeep"),
  LOWERCASE("lowercase"),
  UPPERCASE("uppercase");

  private final String id;

  RelabelAction(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  /** Parses an action name, case-insensitively as Prometheus does. */
  public static RelabelAction parse(String s) {
    String l = s.toLowerCase(Locale.ROOT);
    for (RelabelAction a : values()) {
      if (a.id.equals(l)) {
        return a;
      }
    }
    throw new IllegalArgumentException("unknown relabel action \"" + s + "\"");
  }

  @Override
  public String toString() {
    return id;
  }
}
