package io.jthanos.tools.bucket;

import io.jthanos.block.metadata.BlockFile;
import io.jthanos.block.metadata.Meta;
import io.jthanos.tsdb.block.BlockDesc;
import io.jthanos.tsdb.block.BlockMeta;
import io.jthanos.tsdb.block.Ulid;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The part of Go's {@code text/template} that {@code tools bucket ls -o '<template>'} needs,
 * evaluated over a block's meta with Go's field names ({@code .ULID}, {@code .MinTime}, {@code
 * .Stats.NumSamples}, {@code .Compaction.Level}, {@code .Thanos.Labels}, {@code
 * .Thanos.Downsample.Resolution}, ...): text, actions {@code {{ pipeline }}} with {@code -} trim
 * markers, field chains, string and number literals, the functions {@code index}, {@code len},
 * {@code printf} (verbs {@code %s %d %v %q %%}) and {@code print}, and pipes ({@code {{.MinTime |
 * printf "%d"}}}). Values print as Go's {@code %v}: maps {@code map[k:v]}, slices {@code [a b]},
 * structs {@code {a b}}.
 */
final class GoTemplate {
  private sealed interface Node permits Text, Action {}

  private record Text(String text) implements Node {}

  private record Action(List<List<String>> pipeline) implements Node {}

  /** A Go struct: fields in declaration order. */
  static final class Struct extends LinkedHashMap<String, Object> {}

  private final List<Node> nodes;

  private GoTemplate(List<Node> nodes) {
    this.nodes = nodes;
  }

  /**
   * Parses a template.
   *
   * @throws IllegalArgumentException for syntax this subset does not support
   */
  static GoTemplate parse(String text) {
    List<Node> nodes = new ArrayList<>();
    int i = 0;
    StringBuilder pending = new StringBuilder();
    while (i < text.length()) {
      int open = text.indexOf("{{", i);
      if (open < 0) {
        pending.append(text, i, text.length());
        break;
      }
      pending.append(text, i, open);
      int close = text.indexOf("}}", open + 2);
      if (close < 0) {
        throw new IllegalArgumentException("unclosed action");
      }
      String body = text.substring(open + 2, close);
      boolean trimLeft = body.startsWith("- ") || body.equals("-");
      boolean trimRight = body.endsWith(" -");
      if (trimLeft) {
        body = body.substring(1);
        int k = pending.length();
        while (k > 0 && Character.isWhitespace(pending.charAt(k - 1))) {
          k--;
        }
        pending.setLength(k);
      }
      if (trimRight) {
        body = body.substring(0, body.length() - 1);
      }
      if (!pending.isEmpty()) {
        nodes.add(new Text(pending.toString()));
        pending.setLength(0);
      }
      nodes.add(new Action(pipeline(body.strip())));
      i = close + 2;
      if (trimRight) {
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
          i++;
        }
      }
    }
    if (!pending.isEmpty()) {
      nodes.add(new Text(pending.toString()));
    }
    return new GoTemplate(nodes);
  }

  private static List<List<String>> pipeline(String body) {
    if (body.isEmpty()) {
      throw new IllegalArgumentException("missing value for command");
    }
    List<List<String>> cmds = new ArrayList<>();
    List<String> cur = new ArrayList<>();
    int i = 0;
    while (i < body.length()) {
      char c = body.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '|') {
        if (cur.isEmpty()) {
          throw new IllegalArgumentException("missing command before |");
        }
        cmds.add(cur);
        cur = new ArrayList<>();
        i++;
      } else if (c == '"') {
        int j = i + 1;
        StringBuilder sb = new StringBuilder("\"");
        while (j < body.length() && body.charAt(j) != '"') {
          if (body.charAt(j) == '\\' && j + 1 < body.length()) {
            char e = body.charAt(j + 1);
            sb.append(
                switch (e) {
                  case 'n' -> '\n';
                  case 't' -> '\t';
                  default -> e;
                });
            j += 2;
          } else {
            sb.append(body.charAt(j++));
          }
        }
        if (j >= body.length()) {
          throw new IllegalArgumentException("unterminated quoted string");
        }
        cur.add(sb.toString());
        i = j + 1;
      } else {
        int j = i;
        while (j < body.length()
            && !Character.isWhitespace(body.charAt(j))
            && body.charAt(j) != '|') {
          j++;
        }
        String w = body.substring(i, j);
        if (!w.startsWith(".")
            && !w.matches("-?[0-9]+")
            && !List.of("index", "len", "printf", "print").contains(w)) {
          throw new IllegalArgumentException("function \"" + w + "\" not defined");
        }
        cur.add(w);
        i = j;
      }
    }
    if (cur.isEmpty()) {
      throw new IllegalArgumentException("missing command after |");
    }
    cmds.add(cur);
    return cmds;
  }

  /** Renders the template for {@code data}. */
  String execute(Object data) {
    StringBuilder sb = new StringBuilder();
    for (Node n : nodes) {
      if (n instanceof Text t) {
        sb.append(t.text());
      } else if (n instanceof Action a) {
        Object v = null;
        boolean first = true;
        for (List<String> cmd : a.pipeline()) {
          v = command(cmd, data, first ? null : v, !first);
          first = false;
        }
        sb.append(format(v));
      }
    }
    return sb.toString();
  }

  private static Object command(List<String> cmd, Object dot, Object piped, boolean hasPiped) {
    String head = cmd.get(0);
    List<Object> args = new ArrayList<>();
    for (int i = 1; i < cmd.size(); i++) {
      args.add(arg(cmd.get(i), dot));
    }
    if (hasPiped) {
      args.add(piped);
    }
    return switch (head) {
      case "index" -> {
        if (args.isEmpty()) {
          throw new IllegalArgumentException("wrong number of args for index");
        }
        Object v = args.get(0);
        for (int i = 1; i < args.size(); i++) {
          v = index(v, args.get(i));
        }
        yield v;
      }
      case "len" -> {
        if (args.size() != 1) {
          throw new IllegalArgumentException("wrong number of args for len");
        }
        Object v = args.get(0);
        if (v instanceof Map<?, ?> m) {
          yield (long) m.size();
        }
        if (v instanceof List<?> l) {
          yield (long) l.size();
        }
        if (v instanceof String s) {
          yield (long) s.length();
        }
        throw new IllegalArgumentException("len of type " + typeName(v));
      }
      case "printf" -> {
        if (args.isEmpty() || !(args.get(0) instanceof String f)) {
          throw new IllegalArgumentException("printf needs a format string");
        }
        yield printf(f, args.subList(1, args.size()));
      }
      case "print" -> {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < args.size(); i++) {
          if (i > 0 && !(args.get(i) instanceof String) && !(args.get(i - 1) instanceof String)) {
            sb.append(' ');
          }
          sb.append(format(args.get(i)));
        }
        yield sb.toString();
      }
      default -> {
        if (cmd.size() > 1 || hasPiped) {
          throw new IllegalArgumentException("can't give argument to non-function " + head);
        }
        yield arg(head, dot);
      }
    };
  }

  private static Object arg(String token, Object dot) {
    if (token.startsWith("\"")) {
      return token.substring(1);
    }
    if (token.matches("-?[0-9]+")) {
      return Long.parseLong(token);
    }
    if (token.equals(".")) {
      return dot;
    }
    if (!token.startsWith(".")) {
      throw new IllegalArgumentException("unexpected " + token + " in operand");
    }
    Object v = dot;
    for (String f : token.substring(1).split("\\.")) {
      if (v instanceof Struct s) {
        if (!s.containsKey(f)) {
          throw new IllegalArgumentException(
              "can't evaluate field " + f + " in type " + typeName(v));
        }
        v = s.get(f);
      } else if (v instanceof Map<?, ?> m) {
        v = m.get(f);
      } else {
        throw new IllegalArgumentException("can't evaluate field " + f + " in type " + typeName(v));
      }
    }
    return v;
  }

  private static Object index(Object v, Object key) {
    if (v instanceof Map<?, ?> m) {
      Object r = m.get(String.valueOf(key));
      return r == null ? "" : r;
    }
    if (v instanceof List<?> l && key instanceof Long i) {
      if (i < 0 || i >= l.size()) {
        throw new IllegalArgumentException("index out of range: " + i);
      }
      return l.get(i.intValue());
    }
    throw new IllegalArgumentException("can't index item of type " + typeName(v));
  }

  private static String typeName(Object v) {
    if (v instanceof Struct) {
      return "struct";
    }
    if (v instanceof Map) {
      return "map";
    }
    if (v instanceof List) {
      return "slice";
    }
    return v == null ? "nil" : v.getClass().getSimpleName();
  }

  private static String printf(String f, List<Object> args) {
    StringBuilder sb = new StringBuilder();
    int a = 0;
    for (int i = 0; i < f.length(); i++) {
      char c = f.charAt(i);
      if (c != '%' || i + 1 >= f.length()) {
        sb.append(c);
        continue;
      }
      char verb = f.charAt(++i);
      if (verb == '%') {
        sb.append('%');
        continue;
      }
      if (a >= args.size()) {
        sb.append("%!").append(verb).append("(MISSING)");
        continue;
      }
      Object v = args.get(a++);
      switch (verb) {
        case 'd' -> sb.append(v instanceof Long ? v.toString() : "%!d(" + format(v) + ")");
        case 'q' -> sb.append('"').append(format(v).replace("\"", "\\\"")).append('"');
        default -> sb.append(format(v));
      }
    }
    return sb.toString();
  }

  /** Go's {@code %v}. */
  static String format(Object v) {
    if (v == null) {
      return "<no value>";
    }
    if (v instanceof Struct s) {
      StringBuilder sb = new StringBuilder("{");
      boolean first = true;
      for (Object x : s.values()) {
        if (!first) {
          sb.append(' ');
        }
        first = false;
        sb.append(format(x));
      }
      return sb.append('}').toString();
    }
    if (v instanceof Map<?, ?> m) {
      StringBuilder sb = new StringBuilder("map[");
      boolean first = true;
      for (Map.Entry<?, ?> e : new TreeMap<>(m).entrySet()) {
        if (!first) {
          sb.append(' ');
        }
        first = false;
        sb.append(format(e.getKey())).append(':').append(format(e.getValue()));
      }
      return sb.append(']').toString();
    }
    if (v instanceof List<?> l) {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < l.size(); i++) {
        if (i > 0) {
          sb.append(' ');
        }
        sb.append(format(l.get(i)));
      }
      return sb.append(']').toString();
    }
    return v.toString();
  }

  /** A block's meta as Go's {@code metadata.Meta} fields. */
  static Struct meta(Meta m) {
    BlockMeta b = m.block();
    Struct s = new Struct();
    s.put("ULID", b.ulid());
    s.put("MinTime", b.minTime());
    s.put("MaxTime", b.maxTime());
    Struct stats = new Struct();
    stats.put("NumSamples", b.stats().numSamples());
    stats.put("NumFloatSamples", b.stats().numFloatSamples());
    stats.put("NumHistogramSamples", b.stats().numHistogramSamples());
    stats.put("NumSeries", b.stats().numSeries());
    stats.put("NumChunks", b.stats().numChunks());
    stats.put("NumTombstones", b.stats().numTombstones());
    s.put("Stats", stats);
    Struct comp = new Struct();
    comp.put("Level", (long) b.compaction().level());
    comp.put("Sources", new ArrayList<Ulid>(b.compaction().sources()));
    comp.put("Deletable", b.compaction().deletable());
    List<Object> parents = new ArrayList<>();
    for (BlockDesc p : b.compaction().parents()) {
      Struct ps = new Struct();
      ps.put("ULID", p.ulid());
      ps.put("MinTime", p.minTime());
      ps.put("MaxTime", p.maxTime());
      parents.add(ps);
    }
    comp.put("Parents", parents);
    comp.put("Failed", b.compaction().failed());
    comp.put("Hints", new ArrayList<>(b.compaction().hints()));
    s.put("Compaction", comp);
    s.put("Version", (long) b.version());
    Struct t = new Struct();
    t.put("Version", (long) m.thanos().version());
    t.put("Labels", new TreeMap<>(m.thanos().labels()));
    Struct ds = new Struct();
    ds.put("Resolution", m.thanos().resolution());
    t.put("Downsample", ds);
    t.put("Source", m.thanos().source());
    t.put("SegmentFiles", new ArrayList<>(m.thanos().segmentFiles()));
    List<Object> files = new ArrayList<>();
    for (BlockFile f : m.thanos().files()) {
      Struct fs = new Struct();
      fs.put("RelPath", f.relPath());
      fs.put("SizeBytes", f.sizeBytes());
      files.add(fs);
    }
    t.put("Files", files);
    Struct is = new Struct();
    is.put("SeriesMaxSize", m.thanos().indexStats().seriesMaxSize());
    is.put("ChunkMaxSize", m.thanos().indexStats().chunkMaxSize());
    t.put("IndexStats", is);
    s.put("Thanos", t);
    return s;
  }
}
