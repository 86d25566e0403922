package io.jthanos.promql.engine;

import java.util.ArrayList;
import java.util.List;

/** Natural ordering of label values (digits compared as numbers), as {@code sort_by_label} uses. */
final class NaturalSort {
  private NaturalSort() {}

  private static List<String> chunks(String s) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < s.length()) {
      boolean digit = Character.isDigit(s.charAt(i));
      int j = i;
      while (j < s.length() && Character.isDigit(s.charAt(j)) == digit) {
        j++;
      }
      out.add(s.substring(i, j));
      i = j;
    }
    return out;
  }

  private static Long atoi(String s) {
    if (s.isEmpty() || s.length() > 18) {
      return null;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
    }
    return Long.parseLong(s);
  }

  /** Whether {@code a} sorts before {@code b}. */
  static boolean lessThan(String a, String b) {
    List<String> ca = chunks(a);
    List<String> cb = chunks(b);
    for (int i = 0; i < ca.size(); i++) {
      if (i >= cb.size()) {
        return false;
      }
      Long ai = atoi(ca.get(i));
      Long bi = atoi(cb.get(i));
      if (ai != null && bi != null) {
        if (ai.equals(bi)) {
          if (i == ca.size() - 1) {
            return true;
          } else if (i == cb.size() - 1) {
            return false;
          }
          continue;
        }
        return ai < bi;
      }
      if (ca.get(i).equals(cb.get(i))) {
        if (i == ca.size() - 1) {
          return true;
        } else if (i == cb.size() - 1) {
          return false;
        }
        continue;
      }
      return io.jthanos.tsdb.labels.Labels.compareStrings(ca.get(i), cb.get(i)) < 0;
    }
    return false;
  }
}
