package io.jthanos.objstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jthanos.objstore.testing.InMemoryBucket;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class InstrumentedBucketTest {
  private final PrometheusMeterRegistry reg = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Bucket bkt = new InstrumentedBucket(new InMemoryBucket(), reg);

  private double value(String series) {
    return Arrays.stream(reg.scrape().split("\n"))
        .filter(l -> l.startsWith(series + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no series " + series + "\n" + reg.scrape()));
  }

  @Test
  void exposesThanosNamesAndLabels() throws Exception {
    bkt.upload("a", new byte[100_000]);
    try (InputStream in = bkt.getRange("a", 0, 40_000)) {
      in.readAllBytes();
    }
    Set<String> names = new TreeSet<>();
    for (String l : reg.scrape().split("\n")) {
      if (l.startsWith("# TYPE ")) {
        names.add(l.split(" ")[2] + " " + l.split(" ")[3]);
      }
    }
    assertThat(names)
        .contains(
            "thanos_objstore_bucket_operations_total counter",
            "thanos_objstore_bucket_operation_failures_total counter",
            "thanos_objstore_bucket_operation_fetched_bytes_total counter",
            "thanos_objstore_bucket_operation_transferred_bytes histogram",
            "thanos_objstore_bucket_operation_duration_seconds histogram",
            "thanos_objstore_bucket_last_successful_upload_time gauge");
    assertThat(
            value("thanos_objstore_bucket_operations_total{bucket=\"inmem\",operation=\"upload\"}"))
        .isEqualTo(1);
    assertThat(
            value(
                "thanos_objstore_bucket_operation_fetched_bytes_total{bucket=\"inmem\",operation=\"get_range\"}"))
        .isEqualTo(40_000);
    assertThat(
            value(
                "thanos_objstore_bucket_operation_transferred_bytes_bucket{bucket=\"inmem\",operation=\"get_range\",le=\"65536.0\"}"))
        .isEqualTo(1);
    assertThat(
            value(
                "thanos_objstore_bucket_operation_duration_seconds_bucket{bucket=\"inmem\",operation=\"upload\",le=\"120.0\"}"))
        .isEqualTo(1);
    assertThat(value("thanos_objstore_bucket_last_successful_upload_time{bucket=\"inmem\"}"))
        .isGreaterThan(1.6e9);
    // Every operation is there from the start, as in Thanos.
    assertThat(
            value(
                "thanos_objstore_bucket_operation_failures_total{bucket=\"inmem\",operation=\"attributes\"}"))
        .isZero();
  }

  @Test
  void notFoundIsNotAFailureButOtherErrorsAre() throws Exception {
    assertThatThrownBy(() -> bkt.get("missing")).isInstanceOf(ObjectNotFoundException.class);
    assertThat(bkt.exists("missing")).isFalse();
    assertThat(
            value(
                "thanos_objstore_bucket_operation_failures_total{bucket=\"inmem\",operation=\"get\"}"))
        .isZero();
    assertThat(value("thanos_objstore_bucket_operations_total{bucket=\"inmem\",operation=\"get\"}"))
        .isEqualTo(1);
    assertThatThrownBy(() -> bkt.upload("../bad", new byte[1]))
        .isInstanceOf(InvalidObjectNameException.class);
    assertThat(
            value(
                "thanos_objstore_bucket_operation_failures_total{bucket=\"inmem\",operation=\"upload\"}"))
        .isEqualTo(1);
  }
}
