package io.jthanos.tsdb.index;

/** Union of several postings, deduplicated, via a binary min-heap of iterators. */
final class MergedPostings implements Postings {
  private final Postings[] heap;
  private int size;
  private boolean started;
  private long cur;

  MergedPostings(Postings[] its) {
    this.heap = its;
  }

  private void init(long seekTo, boolean seek) {
    size = 0;
    for (Postings p : heap.clone()) {
      if (seek ? p.seek(seekTo) : p.next()) {
        heap[size++] = p;
      }
    }
    for (int i = size / 2 - 1; i >= 0; i--) {
      down(i);
    }
    started = true;
  }

  private void down(int i) {
    Postings x = heap[i];
    long xv = x.at();
    while (true) {
      int l = 2 * i + 1;
      if (l >= size) {
        break;
      }
      int r = l + 1;
      int m = r < size && heap[r].at() < heap[l].at() ? r : l;
      if (heap[m].at() >= xv) {
        break;
      }
      heap[i] = heap[m];
      i = m;
    }
    heap[i] = x;
  }

  @Override
  public boolean next() {
    if (!started) {
      init(0, false);
      if (size == 0) {
        return false;
      }
      cur = heap[0].at();
      return true;
    }
    if (size == 0) {
      return false;
    }
    // Advance every iterator sitting on cur.
    while (size > 0 && heap[0].at() == cur) {
      if (heap[0].next()) {
        down(0);
      } else {
        heap[0] = heap[--size];
        if (size > 0) {
          down(0);
        }
      }
    }
    if (size == 0) {
      return false;
    }
    cur = heap[0].at();
    return true;
  }

  @Override
  public boolean seek(long v) {
    if (!started) {
      init(v, true);
      if (size == 0) {
        return false;
      }
      cur = heap[0].at();
      return true;
    }
    if (size == 0) {
      return false;
    }
    if (cur >= v) {
      return true;
    }
    while (size > 0 && heap[0].at() < v) {
      if (heap[0].seek(v)) {
        down(0);
      } else {
        heap[0] = heap[--size];
        if (size > 0) {
          down(0);
        }
      }
    }
    if (size == 0) {
      return false;
    }
    cur = heap[0].at();
    return true;
  }

  @Override
  public long at() {
    return cur;
  }
}
