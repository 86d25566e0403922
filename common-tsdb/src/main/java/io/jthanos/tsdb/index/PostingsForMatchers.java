package io.jthanos.tsdb.index;

import io.jthanos.tsdb.labels.MatchType;
import io.jthanos.tsdb.labels.Matcher;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Resolves label matchers to postings the way Prometheus' {@code PostingsForMatchers} does:
 * matchers that cannot match the empty value select series by their values and are intersected;
 * negative matchers on labels that must be set are subtracted ({@code l!="x"} = series with {@code
 * l="x"} removed); matchers that accept the empty value also select series lacking the label, by
 * subtracting the series whose value the matcher rejects. With only subtractions the base is the
 * all-postings list. No matchers select nothing.
 */
public final class PostingsForMatchers {
  private PostingsForMatchers() {}

  public static Postings resolve(IndexReader ix, List<Matcher> matchers) {
    Set<String> mustBeSet = new HashSet<>();
    for (Matcher m : matchers) {
      if (!m.matches("")) {
        mustBeSet.add(m.name());
      }
    }
    List<Postings> its = new ArrayList<>();
    List<Postings> notIts = new ArrayList<>();
    for (Matcher m : matchers) {
      boolean isNot = m.type() == MatchType.NOT_EQUAL || m.type() == MatchType.NOT_REGEX;
      if (mustBeSet.contains(m.name())) {
        boolean matchesEmpty = m.matches("");
        if (isNot && matchesEmpty) {
          // l!="foo": subtract the series with l="foo" at the end.
          notIts.add(ix.postingsForMatcher(inverse(m)));
        } else if (isNot) {
          // l!="" (inner matcher accepts empty): series whose value the inverse rejects.
          Matcher inv = inverse(m);
          Postings p = ix.postingsMatching(m.name(), v -> !inv.matches(v));
          if (p == Postings.EMPTY) {
            return Postings.empty();
          }
          its.add(p);
        } else {
          Postings p = ix.postingsForMatcher(m);
          if (p == Postings.EMPTY) {
            return Postings.empty();
          }
          its.add(p);
        }
      } else {
        // The matcher accepts "": it also selects series without the label, so subtract the series
        // whose value it rejects.
        if (m.type() == MatchType.EQUAL && m.value().isEmpty()) {
          notIts.add(ix.postingsMatching(m.name(), v -> true));
        } else {
          notIts.add(ix.postingsMatching(m.name(), v -> !m.matches(v)));
        }
      }
    }
    if (its.isEmpty() && !notIts.isEmpty()) {
      its.add(ix.allPostings());
    }
    Postings it = Postings.intersect(its);
    for (Postings n : notIts) {
      it = Postings.without(it, n);
    }
    return it;
  }

  /** The matcher with the opposite operator. */
  public static Matcher inverse(Matcher m) {
    MatchType t =
        switch (m.type()) {
          case EQUAL -> MatchType.NOT_EQUAL;
          case NOT_EQUAL -> MatchType.EQUAL;
          case REGEX -> MatchType.NOT_REGEX;
          case NOT_REGEX -> MatchType.REGEX;
        };
    return Matcher.of(t, m.name(), m.value(), m.dialect());
  }
}
