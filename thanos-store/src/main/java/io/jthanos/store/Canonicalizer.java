package io.jthanos.store;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One instance per distinct label string within a request: blocks decode the same names and values
 * into different strings, and the merge compares the label sets of every block stream at each step.
 * With shared instances most comparisons end on a reference check. Bounded: past {@code max}
 * distinct strings the rest are used as decoded.
 */
final class Canonicalizer {
  private final ConcurrentHashMap<String, String> map = new ConcurrentHashMap<>();
  private final int max;

  Canonicalizer(int max) {
    this.max = max;
  }

  String canonical(String s) {
    String c = map.get(s);
    if (c != null) {
      return c;
    }
    if (map.size() >= max) {
      return s;
    }
    c = map.putIfAbsent(s, s);
    return c == null ? s : c;
  }
}
