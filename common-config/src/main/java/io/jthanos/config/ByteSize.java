package io.jthanos.config;

/**
 * Byte sizes as Thanos flags write them ({@code --index-cache-size=250MB}): base-2 units, where
 * {@code KB/MB/GB/...} and {@code KiB/MiB/GiB/...} both mean powers of 1024, {@code B} is bytes,
 * and parts may be combined ({@code 1GB512MB}).
 */
public final class ByteSize {
  private static final String[] PREFIXES = {"K", "M", "G", "T", "P", "E"};

  private ByteSize() {}

  public static long parse(String s) {
    if (s == null || s.isBlank()) {
      throw new IllegalArgumentException("empty byte size");
    }
    String in = s.trim();
    if (in.equals("0")) {
      return 0;
    }
    long total = 0;
    int i = 0;
    while (i < in.length()) {
      int start = i;
      while (i < in.length() && Character.isDigit(in.charAt(i))) {
        i++;
      }
      if (start == i) {
        throw new IllegalArgumentException("invalid byte size \"" + s + "\"");
      }
      long n = Long.parseLong(in.substring(start, i));
      int ustart = i;
      while (i < in.length() && Character.isLetter(in.charAt(i))) {
        i++;
      }
      long mult = unit(in.substring(ustart, i), s);
      total = Math.addExact(total, Math.multiplyExact(n, mult));
    }
    return total;
  }

  private static long unit(String u, String whole) {
    if (u.equals("B")) {
      return 1;
    }
    for (int p = 0; p < PREFIXES.length; p++) {
      if (u.equals(PREFIXES[p] + "B") || u.equals(PREFIXES[p] + "iB")) {
        return 1L << (10 * (p + 1));
      }
    }
    throw new IllegalArgumentException(
        "invalid unit \""
            + u
            + "\" in byte size \""
            + whole
            + "\" (use B, KB, MB, GB, TB, PB, EB or KiB, MiB, ...)");
  }

  /** Formats like Go's {@code units.Base2Bytes.String()}: {@code 250MiB}, {@code 1GiB512MiB}. */
  public static String format(long bytes) {
    if (bytes == 0) {
      return "0B";
    }
    StringBuilder sb = new StringBuilder();
    long rest = bytes;
    for (int p = PREFIXES.length - 1; p >= 0; p--) {
      long mult = 1L << (10 * (p + 1));
      if (rest >= mult) {
        sb.append(rest / mult).append(PREFIXES[p]).append("iB");
        rest %= mult;
      }
    }
    if (rest > 0) {
      sb.append(rest).append('B');
    }
    return sb.toString();
  }
}
