package io.jthanos.benchmarks.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

  @Test
  void replacesOnlyTheMarkedSection(@TempDir Path tmp) throws Exception {
    Path docs = tmp.resolve("b.md");
    Files.writeString(docs, "# A\n\n" + Report.BEGIN + "\nold\n" + Report.END + "\n\n## B\n");
    Report.replaceSection(docs, Report.BEGIN + "\nnew\n" + Report.END + "\n");
    assertThat(Files.readString(docs))
        .isEqualTo("# A\n\n" + Report.BEGIN + "\nnew\n" + Report.END + "\n\n## B\n");
  }

  @Test
  void appendsTheSectionWhenTheMarkersAreMissing(@TempDir Path tmp) throws Exception {
    Path docs = tmp.resolve("b.md");
    Files.writeString(docs, "# A");
    Report.replaceSection(docs, Report.BEGIN + "\nnew\n" + Report.END + "\n");
    assertThat(Files.readString(docs))
        .isEqualTo("# A\n\n" + Report.BEGIN + "\nnew\n" + Report.END + "\n");
  }

  @Test
  void percentilesAreNearestRank() {
    double[] v = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    assertThat(Harness.percentile(v, 0.5)).isEqualTo(5);
    assertThat(Harness.percentile(v, 0.99)).isEqualTo(10);
    assertThat(Harness.percentile(new double[] {7}, 0.99)).isEqualTo(7);
  }

  @Test
  void metricSumsPickTheNamedFamilyAndLabels() {
    String exposition =
        """
        # HELP thanos_bucket_store_series_data_touched x
        thanos_bucket_store_series_data_touched_count{data_type="chunks",} 3.0
        thanos_bucket_store_series_data_touched_sum{data_type="chunks",} 120.0
        thanos_bucket_store_series_data_touched_sum{data_type="series",} 7.0
        thanos_bucket_store_series_data_touched_sum_other 99.0
        """;
    assertThat(
            ApiClient.metricSum(
                exposition, "thanos_bucket_store_series_data_touched_sum", "data_type=\"chunks\""))
        .isEqualTo(120.0);
    assertThat(ApiClient.metricSum(exposition, "thanos_bucket_store_series_data_touched_sum", ""))
        .isEqualTo(127.0);
  }
}
