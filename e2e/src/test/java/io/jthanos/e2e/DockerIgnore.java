package io.jthanos.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Docker's .dockerignore rules, enough to tell whether a path reaches the build context: patterns
 * in order, the last match wins, {@code !} re-includes, {@code *} and {@code ?} stay within a path
 * segment, {@code **} spans segments, and a pattern matching a directory matches what is under it.
 */
record DockerIgnore(List<Rule> rules) {
  record Rule(Pattern pattern, boolean include) {}

  static DockerIgnore read(Path file) throws IOException {
    List<Rule> rules = new ArrayList<>();
    for (String raw : Files.readAllLines(file)) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      boolean include = line.startsWith("!");
      String p = include ? line.substring(1).strip() : line;
      p = p.replaceAll("^/+", "").replaceAll("/+$", "");
      rules.add(new Rule(Pattern.compile(toRegex(p)), include));
    }
    return new DockerIgnore(List.copyOf(rules));
  }

  private static String toRegex(String glob) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
        sb.append(".*");
        i++;
      } else if (c == '*') {
        sb.append("[^/]*");
      } else if (c == '?') {
        sb.append("[^/]");
      } else {
        sb.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return sb.toString();
  }

  /** Whether {@code path} (relative to the context root, '/'-separated) is sent to the builder. */
  boolean sends(String path) {
    boolean sent = true;
    for (Rule r : rules) {
      if (matches(r.pattern(), path)) {
        sent = r.include();
      }
    }
    return sent;
  }

  private static boolean matches(Pattern p, String path) {
    if (p.matcher(path).matches()) {
      return true;
    }
    for (int i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
      if (p.matcher(path.substring(0, i)).matches()) {
        return true;
      }
    }
    return false;
  }
}
