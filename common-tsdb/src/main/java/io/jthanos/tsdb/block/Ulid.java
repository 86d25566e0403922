package io.jthanos.tsdb.block;

/**
 * A ULID as used for block ids: 128 bits, a 48-bit millisecond timestamp followed by 80 random
 * bits, written as 26 characters of Crockford base32, most significant first. Ordering (and string
 * ordering) follows creation time. Parsing is case-insensitive, as Go's oklog/ulid.
 */
public record Ulid(long msb, long lsb) implements Comparable<Ulid> {
  private static final char[] ENC = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final byte[] DEC = new byte[128];

  static {
    java.util.Arrays.fill(DEC, (byte) -1);
    for (int i = 0; i < ENC.length; i++) {
      DEC[ENC[i]] = (byte) i;
      DEC[Character.toLowerCase(ENC[i])] = (byte) i;
    }
  }

  /** Largest timestamp a ULID can hold. */
  public static final long MAX_TIME = (1L << 48) - 1;

  /** Builds from a timestamp (ms) and 80 bits of entropy (16 high bits in {@code entropyHi}). */
  public static Ulid of(long timeMs, int entropyHi16, long entropyLo64) {
    if (timeMs < 0 || timeMs > MAX_TIME) {
      throw new IllegalArgumentException("ULID time out of range: " + timeMs);
    }
    return new Ulid((timeMs << 16) | (entropyHi16 & 0xffff), entropyLo64);
  }

  /** Milliseconds since the epoch encoded in the first 48 bits. */
  public long timestamp() {
    return msb >>> 16;
  }

  /** Parses the 26-character form; throws {@link IllegalArgumentException} when invalid. */
  public static Ulid parse(String s) {
    if (s == null || s.length() != 26) {
      throw new IllegalArgumentException(
          "invalid ULID length: " + (s == null ? "null" : "\"" + s + "\""));
    }
    int first = decode(s, 0);
    if (first > 7) {
      throw new IllegalArgumentException("invalid ULID (overflows 128 bits): " + s);
    }
    // 26 chars * 5 bits = 130 bits, the top 2 are zero.
    long hi = 0; // accumulate into a 128-bit value (hi:lo)
    long lo = first;
    for (int i = 1; i < 26; i++) {
      int v = decode(s, i);
      hi = (hi << 5) | (lo >>> 59);
      lo = (lo << 5) | v;
    }
    return new Ulid(hi, lo);
  }

  /** Whether {@code s} is a valid ULID string. */
  public static boolean isValid(String s) {
    try {
      parse(s);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static int decode(String s, int i) {
    char c = s.charAt(i);
    int v = c < 128 ? DEC[c] : -1;
    if (v < 0) {
      throw new IllegalArgumentException("invalid ULID character '" + c + "' in " + s);
    }
    return v;
  }

  @Override
  public String toString() {
    char[] out = new char[26];
    long hi = msb;
    long lo = lsb;
    for (int i = 25; i >= 0; i--) {
      out[i] = ENC[(int) (lo & 31)];
      lo = (lo >>> 5) | (hi << 59);
      hi >>>= 5;
    }
    return new String(out);
  }

  @Override
  public int compareTo(Ulid o) {
    int c = Long.compareUnsigned(msb, o.msb);
    return c != 0 ? c : Long.compareUnsigned(lsb, o.lsb);
  }
}
