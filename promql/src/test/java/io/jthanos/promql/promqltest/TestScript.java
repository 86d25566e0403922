package io.jthanos.promql.promqltest;

import io.jthanos.promql.text.GoNumbers;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A parsed promqltest script: load, clear and eval commands with their line numbers. */
final class TestScript {
  sealed interface Command permits Load, Clear, Eval {
    int line();
  }

  record Load(int line, long stepMs, boolean withNhcb, List<SeriesDescription> series)
      implements Command {}

  record Clear(int line) implements Command {}

  /** An expectation line other than results. */
  record Expect(String kind, String msg, String regex) {}

  record Eval(
      int line,
      boolean range,
      long start,
      long end,
      long step,
      String expr,
      List<Expect> expects,
      List<String> results,
      Long rangeVectorStart,
      Long rangeVectorEnd,
      Long rangeVectorStep,
      String expectedString,
      boolean expectString)
      implements Command {

    boolean expects(String kind) {
      for (Expect e : expects) {
        if (e.kind().equals(kind)) {
          return true;
        }
      }
      return false;
    }

    Expect expectation(String kind) {
      for (Expect e : expects) {
        if (e.kind().equals(kind)) {
          return e;
        }
      }
      return null;
    }
  }

  final List<Command> commands = new ArrayList<>();

  private static final Pattern INSTANT =
      Pattern.compile("^(\\S+)\\s+instant\\s+(?:at\\s+)?(\\S+)\\s+(.+)$");
  private static final Pattern RANGE =
      Pattern.compile(
          "^(\\S+)\\s+range\\s+from\\s+(\\S+)\\s+to\\s+(\\S+)\\s+step\\s+(\\S+)\\s+(.+)$");
  private static final Pattern LOAD = Pattern.compile("^(load|load_with_nhcb)\\s+(\\S+)$");
  private static final Pattern RANGE_VECTOR =
      Pattern.compile(
          "^expect\\s+range\\s+vector\\s+from\\s+(\\S+)\\s+to\\s+(\\S+)\\s+step\\s+(\\S+)$");

  static long duration(String s) {
    boolean neg = s.startsWith("-");
    long v = GoNumbers.parseDuration(neg ? s.substring(1) : s);
    return neg ? -v : v;
  }

  static TestScript parse(List<String> lines) {
    TestScript ts = new TestScript();
    int i = 0;
    while (i < lines.size()) {
      String l = lines.get(i).trim();
      if (l.isEmpty() || l.startsWith("#")) {
        i++;
        continue;
      }
      int headerLine = i + 1;
      List<String> body = new ArrayList<>();
      int j = i + 1;
      if (l.toLowerCase(Locale.ROOT).equals("clear")) {
        ts.commands.add(new Clear(headerLine));
        i = j;
        continue;
      }
      while (j < lines.size()) {
        String b = lines.get(j).trim();
        if (b.isEmpty() || b.startsWith("#")) {
          break;
        }
        body.add(b);
        j++;
      }
      ts.commands.add(command(l, headerLine, body));
      i = j;
    }
    return ts;
  }

  private static Command command(String header, int line, List<String> body) {
    String kw = header.split("\\s+")[0].toLowerCase(Locale.ROOT);
    if (kw.equals("clear")) {
      return new Clear(line);
    }
    if (kw.startsWith("load")) {
      Matcher m = LOAD.matcher(header);
      if (!m.matches()) {
        throw new IllegalArgumentException("line " + line + ": bad load: " + header);
      }
      List<SeriesDescription> series = new ArrayList<>();
      for (String b : body) {
        series.add(SeriesDescription.parse(b));
      }
      return new Load(line, duration(m.group(2)), m.group(1).equals("load_with_nhcb"), series);
    }
    if (!kw.startsWith("eval")) {
      throw new IllegalArgumentException("line " + line + ": unknown command: " + header);
    }
    List<Expect> expects = new ArrayList<>();
    switch (kw) {
      case "eval_fail" -> expects.add(new Expect("fail", null, null));
      case "eval_warn" -> expects.add(new Expect("warn", null, null));
      case "eval_info" -> expects.add(new Expect("info", null, null));
      case "eval_ordered" -> expects.add(new Expect("ordered", null, null));
      case "eval" -> {}
      default ->
          throw new IllegalArgumentException("line " + line + ": unknown command: " + header);
    }
    boolean range;
    long start;
    long end;
    long step = 0;
    String expr;
    Matcher rm = RANGE.matcher(header);
    Matcher im = INSTANT.matcher(header);
    if (rm.matches()) {
      range = true;
      start = duration(rm.group(2));
      end = duration(rm.group(3));
      step = duration(rm.group(4));
      expr = rm.group(5);
    } else if (im.matches()) {
      range = false;
      start = duration(im.group(2));
      end = start;
      expr = im.group(3);
    } else {
      throw new IllegalArgumentException("line " + line + ": bad eval: " + header);
    }
    List<String> results = new ArrayList<>();
    Long rvStart = null;
    Long rvEnd = null;
    Long rvStep = null;
    String expectedString = null;
    boolean expectString = false;
    for (String b : body) {
      if (b.startsWith("expected_fail_message")) {
        replaceFail(expects, b.substring("expected_fail_message".length()).trim(), null);
        continue;
      }
      if (b.startsWith("expected_fail_regexp")) {
        replaceFail(expects, null, b.substring("expected_fail_regexp".length()).trim());
        continue;
      }
      if (b.startsWith("expect ")) {
        Matcher rv = RANGE_VECTOR.matcher(b);
        if (rv.matches()) {
          rvStart = duration(rv.group(1));
          rvEnd = duration(rv.group(2));
          rvStep = duration(rv.group(3));
          continue;
        }
        String rest = b.substring("expect ".length()).trim();
        if (rest.startsWith("string ")) {
          expectString = true;
          String lit = rest.substring("string ".length()).trim();
          expectedString = io.jthanos.promql.text.GoStrings.unquote(lit);
          continue;
        }
        int sp = rest.indexOf(' ');
        String kind = sp < 0 ? rest : rest.substring(0, sp);
        String arg = sp < 0 ? "" : rest.substring(sp + 1).trim();
        String msg = null;
        String regex = null;
        if (arg.startsWith("msg:")) {
          msg = arg.substring(4).trim();
        } else if (arg.startsWith("regex:")) {
          regex = arg.substring(6).trim();
        }
        if (kind.equals("fail")) {
          replaceFail(expects, msg, regex);
        } else {
          expects.add(new Expect(kind, msg, regex));
        }
        continue;
      }
      results.add(b);
    }
    return new Eval(
        line,
        range,
        start,
        end,
        step,
        expr,
        expects,
        results,
        rvStart,
        rvEnd,
        rvStep,
        expectedString,
        expectString);
  }

  private static void replaceFail(List<Expect> expects, String msg, String regex) {
    expects.removeIf(e -> e.kind().equals("fail"));
    expects.add(new Expect("fail", msg, regex));
  }
}
