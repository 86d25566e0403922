package io.jthanos.tsdb.index;

/** Intersection by leapfrogging seeks. */
final class IntersectPostings implements Postings {
  private final Postings[] its;
  private long cur;

  IntersectPostings(Postings[] its) {
    this.its = its;
  }

  @Override
  public boolean next() {
    if (!its[0].next()) {
      return false;
    }
    return align(its[0].at());
  }

  @Override
  public boolean seek(long v) {
    if (!its[0].seek(v)) {
      return false;
    }
    return align(its[0].at());
  }

  private boolean align(long target) {
    int agreed = 1; // its[0] is at target
    int k = 1 % its.length;
    while (agreed < its.length) {
      Postings p = its[k];
      if (!p.seek(target)) {
        return false;
      }
      long a = p.at();
      if (a == target) {
        agreed++;
      } else {
        target = a;
        agreed = 1;
      }
      k = (k + 1) % its.length;
    }
    cur = target;
    return true;
  }

  @Override
  public long at() {
    return cur;
  }
}
