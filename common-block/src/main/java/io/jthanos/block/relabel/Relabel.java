package io.jthanos.block.relabel;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.LabelsBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Applies relabel configs to a label set exactly as Prometheus' {@code relabel.Process}: configs
 * run in order on the result of the previous one; {@code keep}/{@code drop}/{@code keepequal}/
 * {@code dropequal} can drop the whole set; setting a label to an empty value removes it.
 *
 * <p>Used for block selection ({@code --selector.relabel-config}, with {@code __block_id}), store
 * and alert relabelling in the components.
 */
public final class Relabel {
  private Relabel() {}

  /**
   * The relabelled label set, or {@code null} when a config dropped it. An empty result (all labels
   * removed) is returned as empty labels; callers that treat it as dropped (Thanos' block selector)
   * check {@link Labels#isEmpty()}.
   */
  public static Labels process(Labels lset, List<RelabelConfig> configs) {
    LabelsBuilder lb = new LabelsBuilder(lset);
    for (RelabelConfig c : configs) {
      if (!apply(lb, c)) {
        return null;
      }
    }
    return lb.build();
  }

  /** Applies one config to the builder; false when the set is dropped. */
  static boolean apply(LabelsBuilder lb, RelabelConfig c) {
    String val = sourceValue(lb, c);
    Pattern re = c.pattern();
    switch (c.action()) {
      case DROP -> {
        if (re.matches(val)) {
          return false;
        }
      }
      case KEEP -> {
        if (!re.matches(val)) {
          return false;
        }
      }
      case DROPEQUAL -> {
        if (lb.get(c.targetLabel()).equals(val)) {
          return false;
        }
      }
      case KEEPEQUAL -> {
        if (!lb.get(c.targetLabel()).equals(val)) {
          return false;
        }
      }
      case REPLACE -> {
        // Fast path: add or delete a fixed label.
        if (val.isEmpty()
            && c.regex().equals(RelabelConfig.DEFAULT_REGEX)
            && !RelabelConfig.varInTemplate(c.targetLabel())
            && !RelabelConfig.varInTemplate(c.replacement())) {
          lb.set(c.targetLabel(), c.replacement());
          break;
        }
        Matcher m = re.matcher(val);
        if (!m.matches()) {
          break;
        }
        String target = expand(re, m, c.targetLabel(), val);
        if (!RelabelConfig.validLabelName(target)) {
          break;
        }
        String res = expand(re, m, c.replacement(), val);
        if (res.isEmpty()) {
          lb.delete(target);
        } else {
          lb.set(target, res);
        }
      }
      case LOWERCASE -> lb.set(c.targetLabel(), val.toLowerCase(Locale.ROOT));
      case UPPERCASE -> lb.set(c.targetLabel(), val.toUpperCase(Locale.ROOT));
      case HASHMOD -> {
        byte[] sum = md5().digest(val.getBytes(StandardCharsets.UTF_8));
        long h = 0;
        for (int i = 8; i < 16; i++) {
          h = (h << 8) | (sum[i] & 0xff);
        }
        lb.set(c.targetLabel(), Long.toUnsignedString(Long.remainderUnsigned(h, c.modulus())));
      }
      case LABELMAP -> {
        Labels cur = lb.build();
        for (int i = 0; i < cur.size(); i++) {
          String name = cur.name(i);
          Matcher m = re.matcher(name);
          if (m.matches()) {
            lb.set(expand(re, m, c.replacement(), name), cur.value(i));
          }
        }
      }
      case LABELDROP -> {
        Labels cur = lb.build();
        for (int i = 0; i < cur.size(); i++) {
          if (re.matches(cur.name(i))) {
            lb.delete(cur.name(i));
          }
        }
      }
      case LABELKEEP -> {
        Labels cur = lb.build();
        for (int i = 0; i < cur.size(); i++) {
          if (!re.matches(cur.name(i))) {
            lb.delete(cur.name(i));
          }
        }
      }
      default -> throw new IllegalStateException("unknown relabel action " + c.action());
    }
    return true;
  }

  private static String sourceValue(LabelsBuilder lb, RelabelConfig c) {
    List<String> src = c.sourceLabels();
    if (src.isEmpty()) {
      return "";
    }
    if (src.size() == 1) {
      return lb.get(src.get(0));
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < src.size(); i++) {
      if (i > 0) {
        sb.append(c.separator());
      }
      sb.append(lb.get(src.get(i)));
    }
    return sb.toString();
  }

  private static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is not available", e);
    }
  }

  /**
   * Go's {@code Regexp.ExpandString}: {@code $name} / {@code ${name}} is replaced by the group with
   * that number or name (empty when it did not take part), {@code $$} is a literal {@code $}, and a
   * malformed reference is kept as text. A name is the longest run of letters, digits and {@code
   * _}, so {@code $1x} refers to a group named {@code 1x}.
   */
  public static String expand(Pattern re, Matcher m, String template, String src) {
    if (template.indexOf('$') < 0) {
      return template;
    }
    StringBuilder dst = new StringBuilder(template.length() + 16);
    int i = 0;
    int n = template.length();
    while (i < n) {
      int dollar = template.indexOf('$', i);
      if (dollar < 0) {
        break;
      }
      dst.append(template, i, dollar);
      i = dollar + 1;
      if (i < n && template.charAt(i) == '$') {
        dst.append('$');
        i++;
        continue;
      }
      // extract name or {name}
      boolean brace = i < n && template.charAt(i) == '{';
      int p = brace ? i + 1 : i;
      int start = p;
      while (p < n) {
        int cp = template.codePointAt(p);
        if (!Character.isLetter(cp) && !Character.isDigit(cp) && cp != '_') {
          break;
        }
        p += Character.charCount(cp);
      }
      if (p == start || (brace && (p >= n || template.charAt(p) != '}'))) {
        dst.append('$'); // malformed: keep the '$' as text
        continue;
      }
      String name = template.substring(start, p);
      i = brace ? p + 1 : p;
      int num = groupNumber(name);
      int group = -1;
      if (num >= 0) {
        group = num;
      } else {
        Map<String, Integer> named = re.namedGroups();
        Integer g = named.get(name);
        if (g != null) {
          group = g;
        }
      }
      if (group >= 0 && group <= m.groupCount()) {
        int s = m.start(group);
        if (s >= 0) {
          dst.append(src, s, m.end(group));
        }
      }
    }
    if (i < n) {
      dst.append(template, i, n);
    }
    return dst.toString();
  }

  private static int groupNumber(String name) {
    int num = 0;
    for (int k = 0; k < name.length(); k++) {
      char ch = name.charAt(k);
      if (ch < '0' || ch > '9' || num >= 100_000_000) {
        return -1;
      }
      num = num * 10 + (ch - '0');
    }
    if (name.charAt(0) == '0' && name.length() > 1) {
      return -1;
    }
    return num;
  }
}
