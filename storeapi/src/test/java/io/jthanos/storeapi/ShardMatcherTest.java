package io.jthanos.storeapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.jthanos.proto.store.ShardInfo;
import io.jthanos.tsdb.labels.Labels;
import java.util.Set;
import net.openhft.hashing.LongHashFunction;
import org.junit.jupiter.api.Test;

class ShardMatcherTest {
  private static final Labels L =
      Labels.of("__name__", "http_requests_total", "instance", "a:9090", "job", "api");

  private static ShardMatcher shard(long index, long total, boolean by, String... labels) {
    return ShardMatcher.of(
        ShardInfo.newBuilder()
            .setShardIndex(index)
            .setTotalShards(total)
            .setBy(by)
            .addAllLabels(Set.of(labels))
            .build());
  }

  @Test
  void hashIsXxhashOfNameSepValueSep() {
    byte[] bytes = "job\u00ffapi\u00ff".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThat(shard(0, 2, true, "job").hash(L)).isEqualTo(LongHashFunction.xx().hashBytes(bytes));
    // by=true over every name is Prometheus' labels.Hash.
    assertThat(shard(0, 2, true, "__name__", "instance", "job").hash(L)).isEqualTo(L.hash());
  }

  @Test
  void withoutExcludesListedLabelsAndTheMetricName() {
    assertThat(shard(0, 2, false, "instance").hash(L)).isEqualTo(Labels.of("job", "api").hash());
  }

  @Test
  void seriesFallInExactlyOneShard() {
    for (int i = 0; i < 200; i++) {
      Labels l = Labels.of("__name__", "m", "i", Integer.toString(i));
      int hits = 0;
      for (int s = 0; s < 5; s++) {
        if (shard(s, 5, false).matches(l)) {
          hits++;
        }
      }
      assertThat(hits).isEqualTo(1);
    }
    assertThat(ShardMatcher.of(null).matches(L)).isTrue();
    assertThat(shard(0, 1, true, "job").isSharded()).isFalse();
  }
}
