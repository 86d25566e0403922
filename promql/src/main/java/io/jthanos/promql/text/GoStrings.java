package io.jthanos.promql.text;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Go string quoting and unquoting, as PromQL uses them. Go strings are byte strings; a Java string
 * stands for one by decoding UTF-8 and keeping every byte that is not valid UTF-8 as a lone low
 * surrogate U+DC80..U+DCFF ("surrogate escape"), so {@link #quote} can print it back as {@code
 * \xNN} and {@link #isValidUtf8} can tell that the Go string was not valid UTF-8.
 */
public final class GoStrings {
  private GoStrings() {}

  /** Go's {@code strconv.Quote} (also what {@code %q} prints for a string). */
  public static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2);
    sb.append('"');
    appendQuoted(sb, s, '"');
    sb.append('"');
    return sb.toString();
  }

  /** Appends the body of a Go quoted string (without the quotes) with the given quote rune. */
  public static void appendQuoted(StringBuilder sb, String s, char quote) {
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (cp >= 0xDC80 && cp <= 0xDCFF) {
        // A byte that was not valid UTF-8.
        appendHex(sb, "\\x", cp - 0xDC00, 2);
        continue;
      }
      if (cp == quote || cp == '\\') {
        sb.append('\\').appendCodePoint(cp);
        continue;
      }
      if (isPrint(cp)) {
        sb.appendCodePoint(cp);
        continue;
      }
      switch (cp) {
        case 0x07 -> sb.append("\\a");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case 0x0B -> sb.append("\\v");
        default -> {
          if (cp < ' ' || cp == 0x7f) {
            appendHex(sb, "\\x", cp, 2);
          } else if (Character.isSurrogate((char) cp)) {
            appendHex(sb, "\\u", 0xfffd, 4);
          } else if (cp < 0x10000) {
            appendHex(sb, "\\u", cp, 4);
          } else {
            appendHex(sb, "\\U", cp, 8);
          }
        }
      }
    }
  }

  private static void appendHex(StringBuilder sb, String prefix, int v, int digits) {
    sb.append(prefix);
    String h = Integer.toHexString(v);
    for (int i = h.length(); i < digits; i++) {
      sb.append('0');
    }
    sb.append(h);
  }

  /**
   * Go's {@code unicode.IsPrint}: letters, marks, numbers, punctuation, symbols and ASCII space.
   */
  public static boolean isPrint(int cp) {
    if (cp == ' ') {
      return true;
    }
    return switch (Character.getType(cp)) {
      case Character.UPPERCASE_LETTER,
          Character.LOWERCASE_LETTER,
          Character.TITLECASE_LETTER,
          Character.MODIFIER_LETTER,
          Character.OTHER_LETTER,
          Character.NON_SPACING_MARK,
          Character.ENCLOSING_MARK,
          Character.COMBINING_SPACING_MARK,
          Character.DECIMAL_DIGIT_NUMBER,
          Character.LETTER_NUMBER,
          Character.OTHER_NUMBER,
          Character.CONNECTOR_PUNCTUATION,
          Character.DASH_PUNCTUATION,
          Character.START_PUNCTUATION,
          Character.END_PUNCTUATION,
          Character.INITIAL_QUOTE_PUNCTUATION,
          Character.FINAL_QUOTE_PUNCTUATION,
          Character.OTHER_PUNCTUATION,
          Character.MATH_SYMBOL,
          Character.CURRENCY_SYMBOL,
          Character.MODIFIER_SYMBOL,
          Character.OTHER_SYMBOL ->
          true;
      default -> false;
    };
  }

  /** Whether the Go string this Java string stands for is valid UTF-8. */
  public static boolean isValidUtf8(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          continue;
        }
        return false;
      }
      if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Prometheus' {@code strutil.Unquote}: a double-, single- or back-quoted Go string literal with
   * escapes. Single-quoted strings may hold any number of characters. Throws {@link
   * IllegalArgumentException} on a malformed literal.
   */
  public static String unquote(String s) {
    int n = s.length();
    if (n < 2) {
      throw new IllegalArgumentException("invalid syntax");
    }
    char q = s.charAt(0);
    if (q != s.charAt(n - 1)) {
      throw new IllegalArgumentException("invalid syntax");
    }
    String body = s.substring(1, n - 1);
    if (q == '`') {
      if (body.indexOf('`') >= 0) {
        throw new IllegalArgumentException("invalid syntax");
      }
      return body.replace("\r", "");
    }
    if (q != '"' && q != '\'') {
      throw new IllegalArgumentException("invalid syntax");
    }
    if (body.indexOf('\\') < 0 && body.indexOf(q) < 0 && body.indexOf('\n') < 0) {
      return body;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length());
    int i = 0;
    while (i < body.length()) {
      char c = body.charAt(i);
      if (c == q || c == '\n') {
        throw new IllegalArgumentException("invalid syntax");
      }
      if (c != '\\') {
        int cp = body.codePointAt(i);
        i += Character.charCount(cp);
        writeCodePoint(out, cp);
        continue;
      }
      if (i + 1 >= body.length()) {
        throw new IllegalArgumentException("invalid syntax");
      }
      char e = body.charAt(i + 1);
      i += 2;
      switch (e) {
        case 'a' -> out.write(7);
        case 'b' -> out.write('\b');
        case 'f' -> out.write('\f');
        case 'n' -> out.write('\n');
        case 'r' -> out.write('\r');
        case 't' -> out.write('\t');
        case 'v' -> out.write(11);
        case '\\' -> out.write('\\');
        case '\'', '"' -> {
          if (e != q) {
            throw new IllegalArgumentException("invalid syntax");
          }
          out.write(e);
        }
        case 'x', 'u', 'U' -> {
          int len = e == 'x' ? 2 : e == 'u' ? 4 : 8;
          if (i + len > body.length()) {
            throw new IllegalArgumentException("invalid syntax");
          }
          int v = 0;
          for (int k = 0; k < len; k++) {
            int d = Character.digit(body.charAt(i + k), 16);
            if (d < 0) {
              throw new IllegalArgumentException("invalid syntax");
            }
            v = v * 16 + d;
          }
          i += len;
          if (e == 'x') {
            out.write(v);
          } else {
            if (v > 0x10FFFF || (v >= 0xD800 && v < 0xE000)) {
              throw new IllegalArgumentException("invalid syntax");
            }
            writeCodePoint(out, v);
          }
        }
        case '0', '1', '2', '3', '4', '5', '6', '7' -> {
          if (i + 2 > body.length()) {
            throw new IllegalArgumentException("invalid syntax");
          }
          int v = e - '0';
          for (int k = 0; k < 2; k++) {
            int d = body.charAt(i + k) - '0';
            if (d < 0 || d > 7) {
              throw new IllegalArgumentException("invalid syntax");
            }
            v = v * 8 + d;
          }
          i += 2;
          if (v > 255) {
            throw new IllegalArgumentException("invalid syntax");
          }
          out.write(v);
        }
        default -> throw new IllegalArgumentException("invalid syntax");
      }
    }
    return decodeUtf8Escaped(out.toByteArray());
  }

  private static void writeCodePoint(ByteArrayOutputStream out, int cp) {
    if (cp >= 0xDC80 && cp <= 0xDCFF) {
      out.write(cp - 0xDC00); // an escaped raw byte stays a raw byte
      return;
    }
    byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
    out.write(b, 0, b.length);
  }

  /** Decodes UTF-8, keeping every invalid byte as a lone surrogate U+DC80..U+DCFF. */
  public static String decodeUtf8Escaped(byte[] b) {
    StringBuilder sb = new StringBuilder(b.length);
    int i = 0;
    while (i < b.length) {
      int c = b[i] & 0xff;
      if (c < 0x80) {
        sb.append((char) c);
        i++;
        continue;
      }
      int need;
      int cp;
      int min;
      if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
        cp = c & 0x1F;
        min = 0x80;
      } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        cp = c & 0x0F;
        min = 0x800;
      } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        cp = c & 0x07;
        min = 0x10000;
      } else {
        sb.append((char) (0xDC00 + c));
        i++;
        continue;
      }
      boolean ok = i + need < b.length;
      for (int k = 1; ok && k <= need; k++) {
        if (i + k >= b.length) {
          ok = false;
          break;
        }
        int cc = b[i + k] & 0xff;
        if ((cc & 0xC0) != 0x80) {
          ok = false;
          break;
        }
        cp = (cp << 6) | (cc & 0x3F);
      }
      if (!ok || cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000)) {
        sb.append((char) (0xDC00 + c));
        i++;
        continue;
      }
      sb.appendCodePoint(cp);
      i += need + 1;
    }
    return sb.toString();
  }
}
