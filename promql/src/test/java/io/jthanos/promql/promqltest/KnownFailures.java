package io.jthanos.promql.promqltest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The known-failures list ({@code promqltest-known-failures.txt} on the test classpath): one case
 * per line, {@code suite/file:line reason}; {@code #} starts a comment.
 */
final class KnownFailures {
  private KnownFailures() {}

  static Map<String, String> load(String suite) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    try (InputStream in =
        KnownFailures.class.getResourceAsStream("/promqltest-known-failures.txt")) {
      if (in == null) {
        return out;
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      while ((line = r.readLine()) != null) {
        line = line.trim();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        int sp = line.indexOf(' ');
        String id = sp < 0 ? line : line.substring(0, sp);
        String reason = sp < 0 ? "" : line.substring(sp + 1).trim();
        if (reason.isEmpty()) {
          throw new IllegalStateException("known failure without a reason: " + line);
        }
        if (id.startsWith(suite + "/")) {
          out.put(id, reason);
        }
      }
    }
    return out;
  }
}
