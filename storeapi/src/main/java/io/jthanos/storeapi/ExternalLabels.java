package io.jthanos.storeapi;

import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.Matcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * External-label semantics of a StoreAPI server (Thanos {@code matchesExternalLabels} and {@code
 * ExtendSortedLabels}): request matchers on external label names are decided locally, and series
 * leave the server with the external labels merged in, external labels winning on a name clash.
 */
public final class ExternalLabels {
  private ExternalLabels() {}

  /**
   * Outcome of resolving matchers against external labels.
   *
   * @param matches false when some matcher on an external label cannot match: the answer is empty
   * @param remaining the matchers left for the storage (those not naming an external label)
   */
  public record Resolution(boolean matches, List<Matcher> remaining) {}

  /**
   * Decides the matchers that name an external label against its value and drops them; the others
   * remain for the storage.
   */
  public static Resolution resolve(List<Matcher> matchers, Labels external) {
    if (external.isEmpty()) {
      return new Resolution(true, matchers);
    }
    List<Matcher> remaining = new ArrayList<>(matchers.size());
    for (Matcher m : matchers) {
      String v = external.get(m.name());
      if (v.isEmpty()) {
        remaining.add(m);
        continue;
      }
      if (!m.matches(v)) {
        return new Resolution(false, List.of());
      }
    }
    return new Resolution(true, remaining);
  }

  /**
   * The label set a series leaves the server with: the series' labels minus {@code remove}, with
   * {@code external} (already stripped of {@code remove}) merged in, external values winning.
   */
  public static Labels merge(Labels series, Labels external, Set<String> remove) {
    if (external.isEmpty() && (remove.isEmpty() || !hasAny(series, remove))) {
      return series;
    }
    String[] out = new String[2 * (series.size() + external.size())];
    int n = 0;
    int i = 0;
    int j = 0;
    while (i < series.size() || j < external.size()) {
      int c;
      if (i >= series.size()) {
        c = 1;
      } else if (j >= external.size()) {
        c = -1;
      } else {
        c = Labels.compareStrings(series.name(i), external.name(j));
      }
      if (c < 0) {
        String name = series.name(i);
        if (!remove.contains(name)) {
          out[n++] = name;
          out[n++] = series.value(i);
        }
        i++;
      } else {
        out[n++] = external.name(j);
        out[n++] = external.value(j);
        j++;
        if (c == 0) {
          i++;
        }
      }
    }
    if (n != out.length) {
      out = java.util.Arrays.copyOf(out, n);
    }
    return Labels.fromSortedUnchecked(out);
  }

  private static boolean hasAny(Labels lset, Set<String> names) {
    for (String n : names) {
      if (lset.has(n)) {
        return true;
      }
    }
    return false;
  }
}
