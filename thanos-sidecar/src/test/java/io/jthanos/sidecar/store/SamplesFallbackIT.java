package io.jthanos.sidecar.store;

import static io.jthanos.storeapi.testing.ContractData.T0;
import static io.jthanos.storeapi.testing.ContractData.T_END;
import static org.assertj.core.api.Assertions.assertThat;

import io.jthanos.proto.prometheus.ReadRequest;
import io.jthanos.sidecar.Servers;
import io.jthanos.sidecar.promclient.HttpClientConfig;
import io.jthanos.sidecar.promclient.PrometheusClient;
import io.jthanos.testing.prometheus.PrometheusServer;
import io.jthanos.tsdb.chunkenc.SampleIterator;
import io.jthanos.tsdb.chunkenc.ValueType;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.Matcher;
import io.jthanos.tsdb.storage.ChunkMeta;
import io.jthanos.tsdb.storage.ChunkQuerier;
import io.jthanos.tsdb.storage.ChunkSeries;
import io.jthanos.tsdb.storage.ChunkSeriesSet;
import io.jthanos.tsdb.storage.SelectHints;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The SAMPLES answer path (what the sidecar falls back to when Prometheus cannot stream chunks)
 * against the real Prometheus: asking for SAMPLES only gives the same series and samples as the
 * streamed answer, re-encoded into XOR chunks of at most 120 samples; frames of big series are
 * joined when Prometheus splits them.
 */
class SamplesFallbackIT {
  @RegisterExtension static final Servers SERVERS = new Servers();

  private static Map<Labels, List<String>> read(PrometheusStore store, List<Integer> chunkSizes) {
    Map<Labels, List<String>> out = new LinkedHashMap<>();
    try (ChunkQuerier q = store.chunkQuerier(T0, T_END);
        ChunkSeriesSet set =
            q.select(
                true,
                SelectHints.range(T0, T_END),
                List.of(Matcher.regex("__name__", "contract_.+")))) {
      Labels prev = null;
      while (set.next()) {
        ChunkSeries s = set.at();
        if (prev != null) {
          assertThat(Labels.compare(prev, s.labels())).isLessThan(0);
        }
        prev = s.labels();
        List<String> pts = new ArrayList<>();
        Iterator<ChunkMeta> it = s.chunks();
        while (it.hasNext()) {
          ChunkMeta m = it.next();
          chunkSizes.add(m.chunk().numSamples());
          SampleIterator si = m.chunk().iterator(null);
          while (si.next() == ValueType.FLOAT) {
            pts.add(si.atT() + "=" + si.atV());
          }
        }
        out.put(s.labels(), pts);
      }
    }
    return out;
  }

  @Test
  void samplesAnswerEqualsStreamedAnswer() {
    PrometheusServer prom = SERVERS.get().contract();
    PrometheusClient c = new PrometheusClient(prom.baseUri(), HttpClientConfig.DEFAULT, "test");
    Labels ext = Labels.of("region", "eu", "replica", "r1");
    PrometheusStore streamed =
        new PrometheusStore(
            c,
            () -> ext,
            () -> "2.42.0",
            null,
            ChunkedFrames.DEFAULT_MAX_FRAME_BYTES,
            List.of(ReadRequest.ResponseType.STREAMED_XOR_CHUNKS));
    PrometheusStore sampled =
        new PrometheusStore(
            c,
            () -> ext,
            () -> "2.42.0",
            null,
            ChunkedFrames.DEFAULT_MAX_FRAME_BYTES,
            List.of(ReadRequest.ResponseType.SAMPLES));
    List<Integer> streamedSizes = new ArrayList<>();
    List<Integer> sampledSizes = new ArrayList<>();
    Map<Labels, List<String>> a = read(streamed, streamedSizes);
    Map<Labels, List<String>> b = read(sampled, sampledSizes);
    assertThat(a).hasSize(13);
    assertThat(b).isEqualTo(a);
    assertThat(sampledSizes).allMatch(n -> n <= 120);
    assertThat(sampledSizes.stream().mapToInt(Integer::intValue).sum())
        .isEqualTo(streamedSizes.stream().mapToInt(Integer::intValue).sum());
  }
}
