package io.jthanos.rules;

import io.jthanos.config.Durations;
import io.jthanos.promql.PromqlException;
import io.jthanos.promql.parser.Parser;
import io.jthanos.promql.parser.ParserOptions;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads and validates Prometheus rule files with Thanos' extension, as Thanos' {@code
 * rules.ValidateAndCount} (strict YAML: unknown keys are errors) followed by Prometheus' {@code
 * rulefmt} checks: group names present and unique; each rule exactly one of {@code record}/{@code
 * alert}; {@code expr} present and valid PromQL (the parser's {@code line:col} inside the
 * expression is kept, and the error is placed at the expression's position in the file); recording
 * rules without {@code for}, {@code keep_firing_for} or annotations and with a valid metric name;
 * valid label and annotation names; alert templates well formed; {@code partial_response_strategy}
 * one of warn/abort (default abort).
 *
 * <pre>{@code
 * RuleFiles.Result r = RuleFiles.read(Path.of("rules/alerts.yaml"));
 * if (!r.ok()) r.errors().forEach(e -> log(e.toString()));
 * for (RuleGroup g : r.groups()) { ... g.partialResponseStrategy() ... }
 * }</pre>
 */
public final class RuleFiles {
  private static final Set<String> FILE_KEYS = Set.of("groups");
  private static final Set<String> GROUP_KEYS =
      Set.of(
          "name",
          "interval",
          "query_offset",
          "limit",
          "labels",
          "rules",
          "partial_response_strategy");
  private static final Set<String> RULE_KEYS =
      Set.of("record", "alert", "expr", "for", "keep_firing_for", "labels", "annotations");

  /** A file's groups (only valid ones, fully typed) and every problem found. */
  public record Result(String file, List<RuleGroup> groups, List<RuleFileError> errors) {
    public Result {
      groups = List.copyOf(groups);
      errors = List.copyOf(errors);
    }

    public boolean ok() {
      return errors.isEmpty();
    }

    /** Rules in the file (across groups). */
    public int ruleCount() {
      return groups.stream().mapToInt(g -> g.rules().size()).sum();
    }
  }

  private RuleFiles() {}

  /** Reads and validates one file. */
  public static Result read(Path file) throws IOException {
    return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
  }

  /** Parses and validates rule file content; {@code file} names it in errors. */
  public static Result parse(String file, String content) {
    List<RuleFileError> errors = new ArrayList<>();
    Node root;
    try {
      LoaderOptions o = new LoaderOptions();
      o.setAllowDuplicateKeys(false);
      root = new Yaml(o).compose(new StringReader(content));
    } catch (MarkedYAMLException e) {
      Mark m = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
      errors.add(
          error(
              file,
              m,
              "yaml: " + oneLine(e.getProblem() == null ? e.getMessage() : e.getProblem())));
      return new Result(file, List.of(), errors);
    } catch (YAMLException e) {
      errors.add(
          new RuleFileError(file, Position.NONE, "", 0, "", "yaml: " + oneLine(e.getMessage())));
      return new Result(file, List.of(), errors);
    }
    if (root == null) {
      return new Result(file, List.of(), errors);
    }
    List<String> shape = new ArrayList<>();
    Reader r = new Reader(shape);
    List<RuleGroup> groups = r.file(root);
    if (r.hard != null) {
      // A value's own decoder failed: YAML decoding stops there with that error alone.
      errors.add(new RuleFileError(file, Position.NONE, "", 0, "", r.hard));
      return new Result(file, List.of(), errors);
    }
    if (!shape.isEmpty()) {
      errors.add(
          new RuleFileError(
              file,
              Position.NONE,
              "",
              0,
              "",
              "yaml: unmarshal errors:\n  " + String.join("\n  ", shape)));
      return new Result(file, List.of(), errors);
    }
    validate(file, groups, errors);
    return new Result(file, errors.isEmpty() ? groups : List.of(), errors);
  }

  private static String oneLine(String s) {
    return s == null ? "" : s.replace('\n', ' ').strip();
  }

  private static RuleFileError error(String file, Mark m, String msg) {
    Position p = m == null ? Position.NONE : new Position(m.getLine() + 1, m.getColumn() + 1);
    return new RuleFileError(file, p, "", 0, "", msg);
  }

  static Position pos(Node n) {
    Mark m = n.getStartMark();
    return m == null ? Position.NONE : new Position(m.getLine() + 1, m.getColumn() + 1);
  }

  /** Builds the typed model from the node tree, reporting shape errors as yaml.v3 does. */
  private static final class Reader {
    private final List<String> errors;
    private String hard;

    Reader(List<String> errors) {
      this.errors = errors;
    }

    private void fail(Node n, String msg) {
      errors.add("line " + pos(n).line() + ": " + msg);
    }

    private void hardFail(String msg) {
      if (hard == null) {
        hard = msg;
      }
    }

    private Map<String, Node> mapping(Node n, Set<String> known, String type) {
      Map<String, Node> out = new LinkedHashMap<>();
      if (!(n instanceof MappingNode m)) {
        fail(n, "cannot unmarshal " + kind(n) + " into " + type);
        return null;
      }
      for (NodeTuple t : m.getValue()) {
        if (!(t.getKeyNode() instanceof ScalarNode k)) {
          fail(t.getKeyNode(), "cannot unmarshal " + kind(t.getKeyNode()) + " into a field name");
          continue;
        }
        if (!known.contains(k.getValue())) {
          fail(k, "field " + k.getValue() + " not found in type " + type);
          continue;
        }
        out.put(k.getValue(), t.getValueNode());
      }
      return out;
    }

    private static String kind(Node n) {
      if (n instanceof ScalarNode s) {
        return "!!str `" + s.getValue() + "`";
      }
      if (n instanceof SequenceNode) {
        return "!!seq";
      }
      return "!!map";
    }

    private String scalar(Node n, String type) {
      if (n == null) {
        return "";
      }
      if (!(n instanceof ScalarNode s)) {
        fail(n, "cannot unmarshal " + kind(n) + " into " + type);
        return "";
      }
      return s.getValue();
    }

    private Duration duration(Node n) {
      String s = scalar(n, "model.Duration");
      if (n == null || s.isEmpty()) {
        return null;
      }
      try {
        return Durations.parse(s);
      } catch (IllegalArgumentException e) {
        hardFail("not a valid duration string: \"" + s + "\"");
        return null;
      }
    }

    private Map<String, String> strings(Node n, String type) {
      Map<String, String> out = new LinkedHashMap<>();
      if (n == null || (n instanceof ScalarNode s && s.getValue().isEmpty())) {
        return out;
      }
      if (!(n instanceof MappingNode m)) {
        fail(n, "cannot unmarshal " + kind(n) + " into " + type);
        return out;
      }
      for (NodeTuple t : m.getValue()) {
        out.put(scalar(t.getKeyNode(), "string"), scalar(t.getValueNode(), "string"));
      }
      return out;
    }

    List<RuleGroup> file(Node root) {
      Map<String, Node> top = mapping(root, FILE_KEYS, "rulefmt.RuleGroups");
      List<RuleGroup> out = new ArrayList<>();
      if (top == null || !top.containsKey("groups")) {
        return out;
      }
      Node gs = top.get("groups");
      if (gs instanceof ScalarNode s && s.getValue().isEmpty()) {
        return out;
      }
      if (!(gs instanceof SequenceNode seq)) {
        fail(gs, "cannot unmarshal " + kind(gs) + " into []rulefmt.RuleGroup");
        return out;
      }
      for (Node g : seq.getValue()) {
        RuleGroup rg = group(g);
        if (rg != null) {
          out.add(rg);
        }
      }
      return out;
    }

    private RuleGroup group(Node g) {
      Map<String, Node> f = mapping(g, GROUP_KEYS, "rulefmt.RuleGroup");
      if (f == null) {
        return null;
      }
      String name = scalar(f.get("name"), "string");
      Duration interval = duration(f.get("interval"));
      Duration offset = duration(f.get("query_offset"));
      int limit = 0;
      String ls = scalar(f.get("limit"), "int");
      if (!ls.isEmpty()) {
        try {
          limit = Integer.parseInt(ls);
        } catch (NumberFormatException e) {
          fail(f.get("limit"), "cannot unmarshal !!str `" + ls + "` into int");
        }
      }
      PartialResponseStrategy strategy = PartialResponseStrategy.ABORT;
      Node ps = f.get("partial_response_strategy");
      if (ps != null) {
        try {
          strategy = PartialResponseStrategy.parse(scalar(ps, "string"));
        } catch (IllegalArgumentException e) {
          hardFail(e.getMessage());
        }
      }
      Map<String, String> labels = strings(f.get("labels"), "map[string]string");
      List<Rule> rules = new ArrayList<>();
      Node rs = f.get("rules");
      if (rs != null && !(rs instanceof ScalarNode s && s.getValue().isEmpty())) {
        if (!(rs instanceof SequenceNode seq)) {
          fail(rs, "cannot unmarshal " + kind(rs) + " into []rulefmt.RuleNode");
        } else {
          for (Node rn : seq.getValue()) {
            Rule r = rule(rn);
            if (r != null) {
              rules.add(r);
            }
          }
        }
      }
      return new RuleGroup(name, interval, offset, limit, strategy, labels, rules, pos(g));
    }

    private Rule rule(Node rn) {
      Map<String, Node> f = mapping(rn, RULE_KEYS, "rulefmt.RuleNode");
      if (f == null) {
        return null;
      }
      Node expr = f.get("expr");
      Node record = f.get("record");
      Node alert = f.get("alert");
      Position rpos = record != null ? pos(record) : Position.ABSENT;
      Position apos = alert != null ? pos(alert) : Position.ABSENT;
      return new Rule(
          scalar(record, "string"),
          scalar(alert, "string"),
          scalar(expr, "string"),
          duration(f.get("for")),
          duration(f.get("keep_firing_for")),
          strings(f.get("labels"), "map[string]string"),
          strings(f.get("annotations"), "map[string]string"),
          rpos,
          expr == null ? Position.ABSENT : pos(expr),
          apos);
    }
  }

  // ------------------------------------------------------------------ validation

  private static void validate(String file, List<RuleGroup> groups, List<RuleFileError> errors) {
    Set<String> names = new HashSet<>();
    for (RuleGroup g : groups) {
      if (g.name().isEmpty()) {
        errors.add(new RuleFileError(file, g.position(), "", 0, "", "Groupname must not be empty"));
      }
      if (!names.add(g.name())) {
        errors.add(
            new RuleFileError(
                file,
                g.position(),
                "",
                0,
                "",
                "groupname: \"" + g.name() + "\" is repeated in the same file"));
      }
      for (int i = 0; i < g.rules().size(); i++) {
        Rule r = g.rules().get(i);
        for (Problem p : validate(r)) {
          errors.add(
              new RuleFileError(file, p.at(), p.alt(), g.name(), i + 1, r.name(), p.message()));
        }
      }
    }
  }

  private record Problem(Position at, Position alt, String message) {
    Problem(Position at, String message) {
      this(at, Position.NONE, message);
    }
  }

  private static List<Problem> validate(Rule r) {
    List<Problem> out = new ArrayList<>();
    Position at = r.position();
    if (!r.record().isEmpty() && !r.alert().isEmpty()) {
      out.add(new Problem(at, r.alertPosition(), "only one of 'record' and 'alert' must be set"));
    }
    if (r.record().isEmpty() && r.alert().isEmpty()) {
      out.add(new Problem(at, "one of 'record' or 'alert' must be set"));
    }
    if (r.expr().isEmpty()) {
      out.add(new Problem(r.exprPosition(), "field 'expr' must be set in rule"));
    } else {
      try {
        Parser.parse(r.expr(), ParserOptions.DEFAULT);
      } catch (PromqlException e) {
        out.add(new Problem(r.exprPosition(), "could not parse expression: " + e.getMessage()));
      }
    }
    if (!r.record().isEmpty()) {
      if (!r.annotations().isEmpty()) {
        out.add(new Problem(at, "invalid field 'annotations' in recording rule"));
      }
      if (!r.forDuration().isZero()) {
        out.add(new Problem(at, "invalid field 'for' in recording rule"));
      }
      if (!r.keepFiringFor().isZero()) {
        out.add(new Problem(at, "invalid field 'keep_firing_for' in recording rule"));
      }
      if (!validMetricName(r.record())) {
        out.add(new Problem(at, "invalid recording rule name: " + r.record()));
      }
    }
    for (Map.Entry<String, String> e : r.labels().entrySet()) {
      if (!validLabelName(e.getKey()) || e.getKey().equals("__name__")) {
        out.add(new Problem(Position.NONE, "invalid label name: " + e.getKey()));
      }
    }
    for (String k : r.annotations().keySet()) {
      if (!validLabelName(k)) {
        out.add(new Problem(Position.NONE, "invalid annotation name: " + k));
      }
    }
    if (r.isAlert()) {
      String name = "__alert_" + r.alert();
      for (Map.Entry<String, String> e : r.labels().entrySet()) {
        templateError(name, e.getValue())
            .ifPresent(
                m -> out.add(new Problem(Position.NONE, "label \"" + e.getKey() + "\": " + m)));
      }
      for (Map.Entry<String, String> e : r.annotations().entrySet()) {
        templateError(name, e.getValue())
            .ifPresent(
                m ->
                    out.add(new Problem(Position.NONE, "annotation \"" + e.getKey() + "\": " + m)));
      }
    }
    return out;
  }

  /** Prometheus 3 (UTF-8) label names: non-empty, valid UTF-8 (Java strings always are). */
  static boolean validLabelName(String s) {
    return !s.isEmpty() && s.codePoints().noneMatch(c -> c >= 0xD800 && c <= 0xDFFF);
  }

  static boolean validMetricName(String s) {
    return validLabelName(s);
  }

  /**
   * Checks the structure of a Go template: actions closed, {@code if/range/with/define/block}
   * matched by {@code end}, {@code else} only inside {@code if/range/with}. Errors read as Go's
   * {@code template: <name>:<line>: <problem>}.
   */
  static java.util.Optional<String> templateError(String name, String text) {
    java.util.ArrayDeque<String> open = new java.util.ArrayDeque<>();
    int i = 0;
    while (true) {
      int a = text.indexOf("{{", i);
      if (a < 0) {
        break;
      }
      int line = 1 + (int) text.substring(0, a).chars().filter(c -> c == '\n').count();
      int b = text.indexOf("}}", a + 2);
      if (b < 0) {
        return java.util.Optional.of("template: " + name + ":" + line + ": unclosed action");
      }
      String body = text.substring(a + 2, b).strip();
      if (body.startsWith("-")) {
        body = body.substring(1).strip();
      }
      if (body.endsWith("-")) {
        body = body.substring(0, body.length() - 1).strip();
      }
      String word = body.split("\\s+", 2)[0];
      switch (word) {
        case "if", "range", "with", "define", "block" -> open.push(word);
        case "else" -> {
          if (open.isEmpty() || !Set.of("if", "range", "with").contains(open.peek())) {
            return java.util.Optional.of(
                "template: " + name + ":" + line + ": unexpected {{else}}");
          }
        }
        case "end" -> {
          if (open.isEmpty()) {
            return java.util.Optional.of("template: " + name + ":" + line + ": unexpected {{end}}");
          }
          open.pop();
        }
        case "" -> {
          return java.util.Optional.of(
              "template: " + name + ":" + line + ": missing value for command");
        }
        default -> {
          // A pipeline: not checked further.
        }
      }
      i = b + 2;
    }
    if (!open.isEmpty()) {
      int line = 1 + (int) text.chars().filter(c -> c == '\n').count();
      return java.util.Optional.of("template: " + name + ":" + line + ": unexpected EOF");
    }
    return java.util.Optional.empty();
  }

  // ------------------------------------------------------------------ globs

  /**
   * The files a pattern names, as Go's {@code filepath.Glob}: {@code *}, {@code ?} and {@code
   * [...]} within one path element, sorted; a pattern without wildcards names itself if it exists.
   */
  public static List<Path> glob(String pattern) throws IOException {
    Path p = Path.of(pattern);
    if (!pattern.contains("*") && !pattern.contains("?") && !pattern.contains("[")) {
      return Files.exists(p) ? List.of(p) : List.of();
    }
    Path parent = p.getParent() == null ? Path.of(".") : p.getParent();
    if (parent.toString().contains("*") || parent.toString().contains("?")) {
      // Wildcards in directories: walk and match the whole path.
      Path base = Path.of(".");
      PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
      try (Stream<Path> s = Files.walk(base)) {
        return s.map(x -> base.relativize(x)).filter(m::matches).sorted().toList();
      }
    }
    if (!Files.isDirectory(parent)) {
      return List.of();
    }
    PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + p.getFileName().toString());
    try (Stream<Path> s = Files.list(parent)) {
      return s.filter(x -> m.matches(x.getFileName())).sorted().toList();
    }
  }
}
