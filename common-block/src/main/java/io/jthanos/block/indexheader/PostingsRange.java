package io.jthanos.block.indexheader;

/**
 * Where one postings list lies in the block's index object: {@code [start, end)}, starting at the
 * list's 4-byte entry count (after its length field). {@code end} is derived from the next list's
 * offset, so the range may carry a few bytes of checksum and padding after the refs; decoders read
 * the entry count and ignore the rest, as Thanos does.
 */
public record PostingsRange(long start, long end) {
  public PostingsRange {
    if (start < 0 || end < start) {
      throw new IllegalArgumentException("invalid postings range [" + start + ", " + end + ")");
    }
  }

  public long length() {
    return end - start;
  }
}
