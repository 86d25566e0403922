package io.jthanos.promql.engine;

import com.google.re2j.Matcher;
import java.util.Map;

/**
 * Go's {@code regexp.Expand} template semantics ({@code $1}, {@code ${1}}, {@code $name}, {@code
 * $$}).
 */
final class GoRegexp {
  private GoRegexp() {}

  static String expand(String template, Matcher m) {
    StringBuilder dst = new StringBuilder();
    Map<String, Integer> named = m.pattern().namedGroups();
    int i = 0;
    int n = template.length();
    while (i < n) {
      int d = template.indexOf('$', i);
      if (d < 0) {
        break;
      }
      dst.append(template, i, d);
      i = d + 1;
      if (i < n && template.charAt(i) == '$') {
        dst.append('$');
        i++;
        continue;
      }
      // extract name
      int p = i;
      boolean brace = false;
      if (p < n && template.charAt(p) == '{') {
        brace = true;
        p++;
      }
      int ns = p;
      while (p < n) {
        int cp = template.codePointAt(p);
        if (!Character.isLetter(cp) && !Character.isDigit(cp) && cp != '_') {
          break;
        }
        p += Character.charCount(cp);
      }
      if (p == ns) {
        dst.append('$');
        continue;
      }
      String name = template.substring(ns, p);
      if (brace) {
        if (p >= n || template.charAt(p) != '}') {
          dst.append('$');
          continue;
        }
        p++;
      }
      int num = 0;
      for (int k = 0; k < name.length(); k++) {
        char c = name.charAt(k);
        if (c < '0' || c > '9' || num >= 100_000_000) {
          num = -1;
          break;
        }
        num = num * 10 + (c - '0');
      }
      if (name.charAt(0) == '0' && name.length() > 1) {
        num = -1;
      }
      i = p;
      String g = null;
      if (num >= 0) {
        if (num <= m.groupCount()) {
          g = m.group(num);
        }
      } else {
        Integer idx = named.get(name);
        if (idx != null) {
          g = m.group(idx);
        }
      }
      if (g != null) {
        dst.append(g);
      }
    }
    dst.append(template, Math.min(i, n), n);
    return dst.toString();
  }
}
