package io.jthanos.tsdb.index;

/** {@code full} minus {@code drop}. */
final class RemovedPostings implements Postings {
  private final Postings full;
  private final Postings drop;
  private boolean dropValid = true;
  private boolean dropStarted;

  RemovedPostings(Postings full, Postings drop) {
    this.full = full;
    this.drop = drop;
  }

  /** Whether the current ref of {@code full} is in {@code drop}. */
  private boolean dropped(long v) {
    if (!dropValid) {
      return false;
    }
    if (!dropStarted) {
      dropStarted = true;
    }
    if (!drop.seek(v)) {
      dropValid = false;
      return false;
    }
    return drop.at() == v;
  }

  @Override
  public boolean next() {
    while (full.next()) {
      if (!dropped(full.at())) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean seek(long v) {
    if (!full.seek(v)) {
      return false;
    }
    if (!dropped(full.at())) {
      return true;
    }
    return next();
  }

  @Override
  public long at() {
    return full.at();
  }
}
