package io.jthanos.sidecar;

import io.jthanos.proto.prometheus.Label;
import io.jthanos.proto.prometheus.Sample;
import io.jthanos.proto.prometheus.TimeSeries;
import io.jthanos.proto.prometheus.WriteRequest;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.xerial.snappy.Snappy;

/** Remote write 1.0 into a Prometheus started with {@code --web.enable-remote-write-receiver}. */
final class RemoteWrite {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private RemoteWrite() {}

  /**
   * Writes {@code series} series named {@code name} (label {@code i}) with samples every {@code
   * stepMs} over [from, to].
   */
  static void write(URI prometheus, String name, int series, long from, long to, long stepMs)
      throws IOException, InterruptedException {
    WriteRequest.Builder w = WriteRequest.newBuilder();
    for (int s = 0; s < series; s++) {
      TimeSeries.Builder ts =
          TimeSeries.newBuilder()
              .addLabels(Label.newBuilder().setName("__name__").setValue(name))
              .addLabels(Label.newBuilder().setName("i").setValue(Integer.toString(s)));
      for (long t = from; t <= to; t += stepMs) {
        ts.addSamples(Sample.newBuilder().setTimestamp(t).setValue(s * 1000 + (t - from) / stepMs));
      }
      w.addTimeseries(ts);
    }
    HttpRequest req =
        HttpRequest.newBuilder(prometheus.resolve("/api/v1/write"))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Encoding", "snappy")
            .header("Content-Type", "application/x-protobuf")
            .header("X-Prometheus-Remote-Write-Version", "0.1.0")
            .POST(HttpRequest.BodyPublishers.ofByteArray(Snappy.compress(w.build().toByteArray())))
            .build();
    HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      throw new IOException("remote write: " + r.statusCode() + " " + r.body());
    }
  }
}
