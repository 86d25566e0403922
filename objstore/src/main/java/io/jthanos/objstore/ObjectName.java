package io.jthanos.objstore;

import java.util.Comparator;

/** Rules for object names: the order listings use, and what we accept to write. */
public final class ObjectName {
  /** The directory delimiter. */
  public static final String DELIM = "/";

  /**
   * UTF-8 byte order, which is the order S3, GCS and Azure list in (it equals Unicode code point
   * order, and differs from {@link String#compareTo} only for characters above U+FFFF).
   */
  public static final Comparator<String> ORDER = ObjectName::compareUtf8;

  private ObjectName() {}

  public static int compareUtf8(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  /**
   * Checks a name we are about to write: not empty, not absolute, no trailing {@code /}, no empty,
   * {@code .} or {@code ..} segment, no control characters, at most 1024 bytes of UTF-8.
   *
   * @throws InvalidObjectNameException naming the rule broken
   */
  public static String validate(String name) {
    if (name == null || name.isEmpty()) {
      throw new InvalidObjectNameException(name, "empty name");
    }
    if (name.startsWith(DELIM)) {
      throw new InvalidObjectNameException(name, "absolute name (starts with /)");
    }
    if (name.endsWith(DELIM)) {
      throw new InvalidObjectNameException(name, "ends with / (a directory, not an object)");
    }
    if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 1024) {
      throw new InvalidObjectNameException(name, "longer than 1024 bytes");
    }
    for (int k = 0; k < name.length(); k++) {
      char c = name.charAt(k);
      if (c < 0x20 || c == 0x7f) {
        throw new InvalidObjectNameException(name, "control character at index " + k);
      }
    }
    for (String seg : name.split(DELIM, -1)) {
      if (seg.isEmpty()) {
        throw new InvalidObjectNameException(name, "empty path segment (//)");
      }
      if (seg.equals(".") || seg.equals("..")) {
        throw new InvalidObjectNameException(name, "relative path segment \"" + seg + "\"");
      }
    }
    return name;
  }

  /** {@code ""} stays; anything else gets exactly one trailing {@code /}. */
  public static String dirPrefix(String dir) {
    if (dir == null || dir.isEmpty()) {
      return "";
    }
    String d = dir;
    while (d.endsWith(DELIM)) {
      d = d.substring(0, d.length() - 1);
    }
    return d.isEmpty() ? "" : d + DELIM;
  }

  /** Validates a range request: offset >= 0, length >= -1. */
  public static void checkRange(long offset, long length) {
    if (offset < 0) {
      throw new IllegalArgumentException("negative offset " + offset);
    }
    if (length < -1) {
      throw new IllegalArgumentException("invalid length " + length + " (use -1 for the rest)");
    }
  }
}
