package io.jthanos.promql.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.jthanos.promql.value.FloatSeries;
import io.jthanos.promql.value.Matrix;
import io.jthanos.promql.value.Sample;
import io.jthanos.promql.value.Scalar;
import io.jthanos.promql.value.StringValue;
import io.jthanos.promql.value.Vector;
import io.jthanos.tsdb.labels.Labels;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Golden strings from the Prometheus API (shared/spec/prometheus-formats.md, sections 11-12). */
class PrometheusJsonTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "1|1",
        "0.3333333333333333|0.3333333333333333",
        "0.30000000000000004|0.30000000000000004",
        "0.000001|0.000001",
        "1e-7|1e-07",
        "1e21|1e+21",
        "123456789012345678|123456789012345680",
        "0|0",
        "-0.0|-0",
        "NaN|NaN",
        "Infinity|+Inf",
        "-Infinity|-Inf",
        "100|100",
        "1.5e-10|1.5e-10",
        "-2.5e22|-2.5e+22",
        "1e20|100000000000000000000",
        "0.1|0.1",
        "5e-324|5e-324",
        "1.7976931348623157e308|1.7976931348623157e+308",
      })
  void sampleValues(String in, String out) {
    assertThat(PrometheusJson.formatValue(Double.parseDouble(in))).isEqualTo(out);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "1e21|1000000000000000000000",
        "1e-7|0.0000001",
        "1|1",
        "0.5|0.5",
        "NaN|NaN",
        "Infinity|+Inf",
      })
  void scalarValuesAreFixedPoint(String in, String out) {
    assertThat(PrometheusJson.formatScalarValue(Double.parseDouble(in))).isEqualTo(out);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "1704085200500|1704085200.500",
        "1704085200050|1704085200.050",
        "1704085200005|1704085200.005",
        "1704085200000|1704085200",
        "0|0",
        "-1500|-1.500",
        "-1000|-1",
      })
  void sampleTimestamps(long ms, String out) {
    assertThat(PrometheusJson.formatTimestamp(ms)).isEqualTo(out);
  }

  @Test
  void vector() {
    Vector v =
        new Vector(
            List.of(
                new Sample(Labels.of("__name__", "up", "job", "api"), 1704085200500L, 1),
                new Sample(Labels.of("job", "b"), 1704085200500L, 1e-7)));
    assertThat(PrometheusJson.dataToString(v))
        .isEqualTo(
            "{\"resultType\":\"vector\",\"result\":["
                + "{\"metric\":{\"__name__\":\"up\",\"job\":\"api\"},\"value\":[1704085200.500,\"1\"]},"
                + "{\"metric\":{\"job\":\"b\"},\"value\":[1704085200.500,\"1e-07\"]}]}");
  }

  @Test
  void emptyResultsAreEmptyArrays() {
    assertThat(PrometheusJson.dataToString(new Vector(List.of())))
        .isEqualTo("{\"resultType\":\"vector\",\"result\":[]}");
    assertThat(PrometheusJson.dataToString(new Matrix(List.of())))
        .isEqualTo("{\"resultType\":\"matrix\",\"result\":[]}");
  }

  @Test
  void matrix() {
    Matrix m =
        new Matrix(
            List.of(
                new FloatSeries(
                    Labels.of("a", "1"),
                    new long[] {1000, 16000},
                    new double[] {0.30000000000000004, Double.NaN}),
                new FloatSeries(Labels.empty(), new long[] {1500}, new double[] {2})));
    assertThat(PrometheusJson.dataToString(m))
        .isEqualTo(
            "{\"resultType\":\"matrix\",\"result\":["
                + "{\"metric\":{\"a\":\"1\"},\"values\":[[1,\"0.30000000000000004\"],[16,\"NaN\"]]},"
                + "{\"metric\":{},\"values\":[[1.500,\"2\"]]}]}");
  }

  @Test
  void scalarAndString() {
    assertThat(PrometheusJson.dataToString(new Scalar(1704085200500L, 1e21)))
        .isEqualTo(
            "{\"resultType\":\"scalar\",\"result\":[1704085200.5,\"1000000000000000000000\"]}");
    assertThat(PrometheusJson.dataToString(new Scalar(0, 1)))
        .isEqualTo("{\"resultType\":\"scalar\",\"result\":[0,\"1\"]}");
    assertThat(PrometheusJson.dataToString(new StringValue(1000, "a\"b")))
        .isEqualTo("{\"resultType\":\"string\",\"result\":[1,\"a\\\"b\"]}");
  }

  @Test
  void envelope() {
    assertThat(
            PrometheusJson.successToString(
                new Scalar(1000, 2), List.of("w1"), List.of("PromQL info: x (1:1)")))
        .isEqualTo(
            "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1,\"2\"]},"
                + "\"warnings\":[\"w1\"],\"infos\":[\"PromQL info: x (1:1)\"]}");
    assertThat(PrometheusJson.successToString(new Vector(List.of()), List.of(), List.of()))
        .isEqualTo("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}");
  }

  @Test
  void errorEnvelope() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (var g = PrometheusJson.createGenerator(out)) {
      PrometheusJson.writeError(g, "bad_data", "1:1: parse error: unexpected <op:*>", List.of());
    }
    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"status\":\"error\",\"errorType\":\"bad_data\","
                + "\"error\":\"1:1: parse error: unexpected \\u003cop:*\\u003e\"}");
  }

  @Test
  void stringsAreEscapedLikePrometheus() {
    Vector v = new Vector(List.of(new Sample(Labels.of("l", "<a&b>\n\t\b\u2028ä\uDCC5"), 0, 1)));
    assertThat(PrometheusJson.dataToString(v))
        .isEqualTo(
            "{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"l\":"
                + "\"\\u003ca\\u0026b\\u003e\\n\\t\\u0008\\u2028ä\uFFFD\"},\"value\":[0,\"1\"]}]}");
  }
}
