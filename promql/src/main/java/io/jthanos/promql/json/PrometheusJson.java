package io.jthanos.promql.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import io.jthanos.promql.text.GoFloat;
import io.jthanos.promql.value.FloatSeries;
import io.jthanos.promql.value.Matrix;
import io.jthanos.promql.value.Sample;
import io.jthanos.promql.value.Scalar;
import io.jthanos.promql.value.StringValue;
import io.jthanos.promql.value.Value;
import io.jthanos.promql.value.Vector;
import io.jthanos.tsdb.labels.Labels;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Prometheus' JSON encoding of query results and the API envelope, byte for byte: sample values as
 * strings in Go's shortest float format ({@code 'f'} for 0 and 1e-6 <= |v| < 1e21, else {@code
 * 'e'}), vector/matrix timestamps as seconds with exactly three decimals when there are
 * milliseconds, scalar and string timestamps as Go {@code encoding/json} floats, labels in sorted
 * order, and the HTML-safe string escaping Prometheus' JSON library applies.
 *
 * <p>Streaming: results are written element by element to a {@link JsonGenerator}; use {@link
 * #createGenerator(OutputStream)} for a generator configured with the right escaping.
 */
public final class PrometheusJson {
  private PrometheusJson() {}

  private static final JsonFactory FACTORY = JsonFactory.builder().build();

  /**
   * Escapes the HTML characters, U+2028, U+2029, backspace and form feed numerically, like
   * jsoniter.
   */
  private static final class GoEscapes extends CharacterEscapes {
    private final int[] ascii;
    private final SerializedString[] custom = new SerializedString[128];

    GoEscapes() {
      ascii = standardAsciiEscapesForJSON();
      for (int c = 0; c < 128; c++) {
        boolean numeric =
            (c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == '<' || c == '>' || c == '&';
        if (numeric) {
          ascii[c] = ESCAPE_CUSTOM;
          custom[c] = new SerializedString(String.format("\\u%04x", c));
        }
      }
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    private static final SerializedString LS = new SerializedString("\\u2028");
    private static final SerializedString PS = new SerializedString("\\u2029");

    @Override
    public SerializableString getEscapeSequence(int ch) {
      if (ch < 128) {
        return custom[ch];
      }
      if (ch == 0x2028) {
        return LS;
      }
      if (ch == 0x2029) {
        return PS;
      }
      return null;
    }
  }

  private static final GoEscapes ESCAPES = new GoEscapes();

  /** A UTF-8 generator with Prometheus' string escaping. The caller closes it. */
  public static JsonGenerator createGenerator(OutputStream out) throws IOException {
    JsonGenerator g = FACTORY.createGenerator(out);
    g.setCharacterEscapes(ESCAPES);
    return g;
  }

  /** Configures an existing generator with Prometheus' string escaping. */
  public static JsonGenerator configure(JsonGenerator g) {
    g.setCharacterEscapes(ESCAPES);
    return g;
  }

  /** Replaces lone surrogates (bytes that were not valid UTF-8) with U+FFFD, as Go does. */
  static String sanitize(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        return replaceLoneSurrogates(s);
      }
    }
    return s;
  }

  private static String replaceLoneSurrogates(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        sb.append(c).append(s.charAt(i + 1));
        i++;
      } else if (Character.isSurrogate(c)) {
        sb.append('\uFFFD');
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  // --- numbers ----------------------------------------------------------------------------------

  /** A vector/matrix sample timestamp: seconds, with three decimals only when ms are non-zero. */
  public static String formatTimestamp(long ms) {
    StringBuilder sb = new StringBuilder(16);
    appendTimestamp(sb, ms);
    return sb.toString();
  }

  static void appendTimestamp(StringBuilder sb, long ms) {
    if (ms < 0) {
      sb.append('-');
      if (ms == Long.MIN_VALUE) {
        sb.append("9223372036854775.808");
        return;
      }
      ms = -ms;
    }
    sb.append(ms / 1000);
    long frac = ms % 1000;
    if (frac != 0) {
      sb.append('.');
      if (frac < 100) {
        sb.append('0');
      }
      if (frac < 10) {
        sb.append('0');
      }
      sb.append(frac);
    }
  }

  /** A sample value as Prometheus writes it inside a vector, matrix or histogram. */
  public static String formatValue(double v) {
    return GoFloat.formatSampleValue(v);
  }

  /** A scalar result value: always fixed point. */
  public static String formatScalarValue(double v) {
    return GoFloat.format(v, 'f');
  }

  // --- values -----------------------------------------------------------------------------------

  /** Writes {@code {"resultType":...,"result":...}}. */
  public static void writeData(JsonGenerator g, Value v) throws IOException {
    g.writeStartObject();
    g.writeStringField("resultType", v.resultType());
    g.writeFieldName("result");
    writeResult(g, v);
    g.writeEndObject();
  }

  /** Writes the {@code result} value of a query response. */
  public static void writeResult(JsonGenerator g, Value v) throws IOException {
    Fmt f = new Fmt();
    switch (v) {
      case Scalar s -> {
        g.writeStartArray();
        g.writeNumber(GoFloat.formatJsonNumber(s.timestamp() / 1000.0));
        g.writeString(formatScalarValue(s.value()));
        g.writeEndArray();
      }
      case StringValue s -> {
        g.writeStartArray();
        g.writeNumber(GoFloat.formatJsonNumber(s.timestamp() / 1000.0));
        g.writeString(sanitize(s.value()));
        g.writeEndArray();
      }
      case Vector vec -> {
        g.writeStartArray();
        for (Sample s : vec.samples()) {
          g.writeStartObject();
          g.writeFieldName("metric");
          writeLabels(g, s.labels());
          g.writeFieldName("value");
          writePoint(g, f, s.timestamp(), s.value());
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      case Matrix m -> {
        g.writeStartArray();
        for (FloatSeries fs : m.series()) {
          writeSeries(g, f, fs);
        }
        g.writeEndArray();
      }
    }
  }

  /** Writes one matrix series: {@code {"metric":{...},"values":[[ts,"v"],...]}}. */
  public static void writeSeries(JsonGenerator g, FloatSeries fs) throws IOException {
    writeSeries(g, new Fmt(), fs);
  }

  private static void writeSeries(JsonGenerator g, Fmt f, FloatSeries fs) throws IOException {
    g.writeStartObject();
    g.writeFieldName("metric");
    writeLabels(g, fs.labels());
    if (fs.size() > 0) {
      g.writeFieldName("values");
      g.writeStartArray();
      long[] ts = fs.timestamps();
      double[] vs = fs.values();
      for (int i = 0; i < ts.length; i++) {
        writePoint(g, f, ts[i], vs[i]);
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  private static void writePoint(JsonGenerator g, Fmt f, long t, double v) throws IOException {
    StringBuilder sb = f.sb;
    char[] buf = f.buf;
    g.writeStartArray();
    sb.setLength(0);
    appendTimestamp(sb, t);
    int n = sb.length();
    sb.getChars(0, n, buf, 0);
    g.writeNumber(buf, 0, n);
    sb.setLength(0);
    double abs = Math.abs(v);
    GoFloat.appendFormat(sb, v, abs != 0 && (abs < 1e-6 || abs >= 1e21) ? 'e' : 'f');
    n = sb.length();
    sb.getChars(0, n, buf, 0);
    g.writeString(buf, 0, n);
    g.writeEndArray();
  }

  /** Per-call scratch space for number formatting (no allocation per point). */
  private static final class Fmt {
    final StringBuilder sb = new StringBuilder(32);
    final char[] buf = new char[64];
  }

  /** Writes a label set as a JSON object in label order. */
  public static void writeLabels(JsonGenerator g, Labels labels) throws IOException {
    g.writeStartObject();
    for (int i = 0; i < labels.size(); i++) {
      g.writeStringField(sanitize(labels.name(i)), sanitize(labels.value(i)));
    }
    g.writeEndObject();
  }

  // --- envelope ---------------------------------------------------------------------------------

  /**
   * Writes a success response: {@code {"status":"success","data":{...},"warnings":[...],
   * "infos":[...]}}; empty lists are omitted. Thanos passes infos as warnings and no infos.
   */
  public static void writeSuccess(
      JsonGenerator g, Value v, List<String> warnings, List<String> infos) throws IOException {
    g.writeStartObject();
    g.writeStringField("status", "success");
    g.writeFieldName("data");
    writeData(g, v);
    writeStrings(g, "warnings", warnings);
    writeStrings(g, "infos", infos);
    g.writeEndObject();
  }

  /** Writes an error response: {@code {"status":"error","errorType":"...","error":"..."}}. */
  public static void writeError(
      JsonGenerator g, String errorType, String message, List<String> warnings) throws IOException {
    g.writeStartObject();
    g.writeStringField("status", "error");
    g.writeStringField("errorType", errorType);
    g.writeStringField("error", sanitize(message));
    writeStrings(g, "warnings", warnings);
    g.writeEndObject();
  }

  private static void writeStrings(JsonGenerator g, String field, List<String> list)
      throws IOException {
    if (list == null || list.isEmpty()) {
      return;
    }
    g.writeFieldName(field);
    g.writeStartArray();
    for (String s : list) {
      g.writeString(sanitize(s));
    }
    g.writeEndArray();
  }

  // --- conveniences -----------------------------------------------------------------------------

  /** The {@code data} object of a query response as a string. */
  public static String dataToString(Value v) {
    return write(g -> writeData(g, v));
  }

  /** A whole success response as a string. */
  public static String successToString(Value v, List<String> warnings, List<String> infos) {
    return write(g -> writeSuccess(g, v, warnings, infos));
  }

  private interface Writer {
    void write(JsonGenerator g) throws IOException;
  }

  private static String write(Writer w) {
    StringWriter sw = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(sw)) {
      g.setCharacterEscapes(ESCAPES);
      w.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sw.toString();
  }
}
