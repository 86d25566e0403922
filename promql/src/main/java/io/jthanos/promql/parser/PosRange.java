package io.jthanos.promql.parser;

/** A half-open range [start, end) of character offsets into the query text. */
public record PosRange(int start, int end) {
  public static final PosRange NONE = new PosRange(0, 0);

  public PosRange merge(PosRange o) {
    return new PosRange(Math.min(start, o.start), Math.max(end, o.end));
  }

  /**
   * Prometheus' {@code line:column} of the start position: both 1-based, the column counted in
   * UTF-8 bytes from the last line break (as Go reports it).
   */
  public String startPosInput(String query) {
    int pos = Math.min(Math.max(start, 0), query.length());
    int line = 1;
    int lastBreakByte = -1;
    int bytes = 0;
    for (int i = 0; i < pos; i++) {
      char c = query.charAt(i);
      if (c == '\n') {
        line++;
        lastBreakByte = bytes;
      }
      bytes += utf8Len(query, i);
      if (Character.isHighSurrogate(c)
          && i + 1 < pos
          && Character.isLowSurrogate(query.charAt(i + 1))) {
        i++;
      }
    }
    int col = bytes - lastBreakByte;
    return line + ":" + col;
  }

  private static int utf8Len(String s, int i) {
    char c = s.charAt(i);
    if (c < 0x80) {
      return 1;
    }
    if (c < 0x800) {
      return 2;
    }
    if (Character.isHighSurrogate(c)
        && i + 1 < s.length()
        && Character.isLowSurrogate(s.charAt(i + 1))) {
      return 4;
    }
    return 3;
  }
}
