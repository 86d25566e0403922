package io.jthanos.sidecar.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.jthanos.proto.prometheus.ChunkedReadResponse;
import io.jthanos.proto.prometheus.Label;
import io.jthanos.proto.prometheus.QueryResult;
import io.jthanos.proto.prometheus.ReadRequest;
import io.jthanos.proto.prometheus.ReadResponse;
import io.jthanos.proto.prometheus.Sample;
import io.jthanos.proto.prometheus.TimeSeries;
import io.jthanos.sidecar.promclient.HttpClientConfig;
import io.jthanos.sidecar.promclient.PrometheusClient;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.Matcher;
import io.jthanos.tsdb.storage.ChunkMeta;
import io.jthanos.tsdb.storage.ChunkQuerier;
import io.jthanos.tsdb.storage.ChunkSeriesSet;
import io.jthanos.tsdb.storage.SelectHints;
import io.jthanos.tsdb.storage.StorageException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

/**
 * {@link PrometheusStore} against a scripted remote read endpoint: the request Thanos sends,
 * negotiation by content type, joining of a series split over frames, and errors.
 */
class PrometheusStoreTest {
  private HttpServer server;
  private final AtomicReference<String> contentType = new AtomicReference<>();
  private final AtomicReference<byte[]> body = new AtomicReference<>();
  private final AtomicReference<Integer> status = new AtomicReference<>(200);
  private final AtomicReference<ReadRequest> lastRequest = new AtomicReference<>();
  private final List<String> requestHeaders = new ArrayList<>();
  private PrometheusStore store;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
    server.createContext(
        "/api/v1/read",
        ex -> {
          byte[] in = ex.getRequestBody().readAllBytes();
          lastRequest.set(ReadRequest.parseFrom(Snappy.uncompress(in)));
          requestHeaders.add(ex.getRequestHeaders().getFirst("Content-Encoding"));
          requestHeaders.add(ex.getRequestHeaders().getFirst("X-Prometheus-Remote-Read-Version"));
          requestHeaders.add(ex.getRequestHeaders().getFirst("User-Agent"));
          ex.getResponseHeaders().set("Content-Type", contentType.get());
          byte[] b = body.get();
          ex.sendResponseHeaders(status.get(), b.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
          }
        });
    server.start();
    PrometheusClient client =
        new PrometheusClient(
            URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"),
            HttpClientConfig.DEFAULT,
            "Thanos/test");
    store = new PrometheusStore(client, () -> Labels.of("replica", "a"), () -> "2.42.0", null);
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private List<String> select() {
    List<String> out = new ArrayList<>();
    try (ChunkQuerier q = store.chunkQuerier(1000, 9000);
        ChunkSeriesSet set =
            q.select(
                true,
                new SelectHints(1000, 9000, 30, "rate", 300, List.of("job"), true, 0, 0, 0, false),
                List.of(Matcher.equal("__name__", "up"), Matcher.notRegex("job", "x.*")))) {
      while (set.next()) {
        StringBuilder sb = new StringBuilder(set.at().labels().toString());
        var it = set.at().chunks();
        while (it.hasNext()) {
          ChunkMeta m = it.next();
          sb.append(" [").append(m.minTime()).append(',').append(m.maxTime()).append(']');
        }
        out.add(sb.toString());
      }
    }
    return out;
  }

  private static byte[] frames(ChunkedReadResponse... rs) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (ChunkedReadResponse r : rs) {
      out.write(RemoteReadCodecTest.frame(r.toByteArray()));
    }
    return out.toByteArray();
  }

  private static ChunkedReadResponse frame(String job, long min, long max) {
    return ChunkedReadResponse.newBuilder()
        .addChunkedSeries(
            RemoteReadCodecTest.series(
                List.of("__name__", "up", "job", job, "replica", "a"),
                RemoteReadCodecTest.chunk(min, max, 1, RemoteReadCodecTest.xor(min, 2))))
        .build();
  }

  @Test
  void streamedAnswerJoinsFramesOfOneSeriesAndSendsThanosRequest() throws Exception {
    contentType.set("application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse");
    body.set(frames(frame("a", 1000, 2000), frame("a", 3000, 4000), frame("b", 1000, 2000)));
    assertThat(select())
        .containsExactly(
            "{__name__=\"up\", job=\"a\"} [1000,2000] [3000,4000]",
            "{__name__=\"up\", job=\"b\"} [1000,2000]");
    ReadRequest r = lastRequest.get();
    assertThat(r.getAcceptedResponseTypesList())
        .containsExactly(
            ReadRequest.ResponseType.STREAMED_XOR_CHUNKS, ReadRequest.ResponseType.SAMPLES);
    assertThat(r.getQueries(0).getStartTimestampMs()).isEqualTo(1000);
    assertThat(r.getQueries(0).getEndTimestampMs()).isEqualTo(9000);
    assertThat(r.getQueries(0).getMatchersCount()).isEqualTo(2);
    assertThat(r.getQueries(0).getHints().getFunc()).isEqualTo("rate");
    assertThat(r.getQueries(0).getHints().getRangeMs()).isEqualTo(300);
    assertThat(r.getQueries(0).getHints().getGroupingList()).containsExactly("job");
    assertThat(requestHeaders).containsExactly("snappy", "0.1.0", "Thanos/test");
  }

  @Test
  void samplesAnswerIsReencodedAndSorted() throws Exception {
    contentType.set("application/x-protobuf");
    TimeSeries.Builder b =
        TimeSeries.newBuilder()
            .addLabels(Label.newBuilder().setName("__name__").setValue("up"))
            .addLabels(Label.newBuilder().setName("job").setValue("b"));
    TimeSeries.Builder a =
        TimeSeries.newBuilder()
            .addLabels(Label.newBuilder().setName("__name__").setValue("up"))
            .addLabels(Label.newBuilder().setName("job").setValue("a"))
            .addLabels(Label.newBuilder().setName("replica").setValue("a"));
    for (int i = 0; i < 130; i++) {
      a.addSamples(Sample.newBuilder().setTimestamp(1000 + i).setValue(i));
    }
    b.addSamples(Sample.newBuilder().setTimestamp(5000).setValue(1));
    TimeSeries empty =
        TimeSeries.newBuilder()
            .addLabels(Label.newBuilder().setName("__name__").setValue("up"))
            .addLabels(Label.newBuilder().setName("job").setValue("c"))
            .build();
    body.set(
        Snappy.compress(
            ReadResponse.newBuilder()
                .addResults(
                    QueryResult.newBuilder().addTimeseries(b).addTimeseries(a).addTimeseries(empty))
                .build()
                .toByteArray()));
    assertThat(select())
        .containsExactly(
            "{__name__=\"up\", job=\"a\"} [1000,1119] [1120,1129]",
            "{__name__=\"up\", job=\"b\"} [5000,5000]");
  }

  @Test
  void unknownContentTypesAndErrorsFail() {
    contentType.set("text/plain");
    body.set("nope".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(this::select)
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("not supported remote read content type: text/plain");
    status.set(500);
    body.set("remote_read: query failed".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(this::select)
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("request failed with code 500")
        .hasMessageContaining("query failed");
  }
}
