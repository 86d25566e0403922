package io.jthanos.store.cache;

import java.util.Locale;

/** The kinds of index cache items, with Thanos' names (the {@code item_type} metric label). */
public enum ItemType {
  POSTINGS("Postings", "P"),
  EXPANDED_POSTINGS("ExpandedPostings", "EP"),
  SERIES("Series", "S");

  private final String label;
  private final String keyPrefix;

  ItemType(String label, String keyPrefix) {
    this.label = label;
    this.keyPrefix = keyPrefix;
  }

  /** {@code Postings}, {@code ExpandedPostings} or {@code Series}. */
  public String label() {
    return label;
  }

  String keyPrefix() {
    return keyPrefix;
  }

  /** Parses an {@code enabled_items} entry (case-insensitive). */
  public static ItemType parse(String s) {
    for (ItemType t : values()) {
      if (t.label.toLowerCase(Locale.ROOT).equals(s.toLowerCase(Locale.ROOT))) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "unsupported item type \"" + s + "\" (Postings, Series, ExpandedPostings)");
  }
}
