package io.jthanos.config;

import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Thanos' environment substitution for config content: every {@code $(NAME)} with NAME made of
 * letters, digits and underscores is replaced by the variable's value; a reference to an unset
 * variable is an error. Other {@code $} forms are left alone.
 */
public final class EnvSubstitution {
  private static final Pattern REF = Pattern.compile("\\$\\(([a-zA-Z_0-9]+)\\)");

  private EnvSubstitution() {}

  public static String expand(String content) {
    return expand(content, System::getenv);
  }

  public static String expand(String content, Function<String, String> env) {
    Matcher m = REF.matcher(content);
    StringBuilder sb = new StringBuilder(content.length());
    while (m.find()) {
      String name = m.group(1);
      String v = env.apply(name);
      if (v == null) {
        throw new ConfigException(
            "found reference to unset environment variable \"" + name + "\"", name);
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(v));
    }
    m.appendTail(sb);
    return sb.toString();
  }
}
