package io.jthanos.storeapi;

import io.jthanos.proto.store.Aggr;

/**
 * Thanos' {@code AggrChunk}: a closed time range [minTime, maxTime] in ms and either the raw chunk
 * or the downsampled aggregate sub-chunks the request asked for (count, sum, min, max, counter).
 * Absent members are null.
 */
public record StoreChunk(
    long minTime,
    long maxTime,
    ChunkBytes raw,
    ChunkBytes count,
    ChunkBytes sum,
    ChunkBytes min,
    ChunkBytes max,
    ChunkBytes counter) {

  /** A raw (not downsampled) chunk. */
  public static StoreChunk raw(long minTime, long maxTime, ChunkBytes raw) {
    return new StoreChunk(minTime, maxTime, raw, null, null, null, null, null);
  }

  /** The member for an aggregate type ({@link Aggr#RAW} = the raw chunk), or null. */
  public ChunkBytes get(Aggr aggr) {
    return switch (aggr) {
      case RAW -> raw;
      case COUNT -> count;
      case SUM -> sum;
      case MIN -> min;
      case MAX -> max;
      case COUNTER -> counter;
      case UNRECOGNIZED -> null;
    };
  }

  /** Total chunk data bytes over all members. */
  public long dataBytes() {
    long n = 0;
    for (ChunkBytes c : members()) {
      if (c != null) {
        n += c.data().size();
      }
    }
    return n;
  }

  /**
   * Whether both chunks cover the same range and carry identical members, comparing hashes (the
   * xxhash64 of the data when a store sent none), as Thanos' proxy does to drop duplicates.
   */
  public boolean sameContent(StoreChunk o) {
    if (minTime != o.minTime || maxTime != o.maxTime) {
      return false;
    }
    ChunkBytes[] a = members();
    ChunkBytes[] b = o.members();
    for (int i = 0; i < a.length; i++) {
      if (a[i] == null || b[i] == null) {
        if (a[i] != b[i]) {
          return false;
        }
        continue;
      }
      if (a[i].encoding() != b[i].encoding()
          || a[i].data().size() != b[i].data().size()
          || a[i].hashOrCompute() != b[i].hashOrCompute()) {
        return false;
      }
    }
    return true;
  }

  private ChunkBytes[] members() {
    return new ChunkBytes[] {raw, count, sum, min, max, counter};
  }
}
