package io.jthanos.storeapi;

import io.jthanos.proto.store.ShardInfo;
import io.jthanos.tsdb.labels.Labels;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import net.openhft.hashing.LongHashFunction;

/**
 * Vertical query sharding as Thanos' {@code ShardInfo}: a series belongs to shard {@code
 * xxhash64(name 0xFF value 0xFF ...) % total_shards}, hashing the labels listed ({@code by}) or all
 * labels except those listed and {@code __name__} (without). Not thread-safe (reuses a buffer).
 */
public final class ShardMatcher {
  private static final LongHashFunction XX = LongHashFunction.xx();
  private static final ShardMatcher ALL = new ShardMatcher(0, 0, false, Set.of());

  private final long index;
  private final long total;
  private final boolean by;
  private final Set<String> labels;
  private byte[] buf = new byte[256];

  private ShardMatcher(long index, long total, boolean by, Set<String> labels) {
    this.index = index;
    this.total = total;
    this.by = by;
    this.labels = labels;
  }

  /** The matcher for a request's shard info; absent or total <= 1 matches everything. */
  public static ShardMatcher of(ShardInfo info) {
    if (info == null || info.getTotalShards() <= 1) {
      return ALL;
    }
    return new ShardMatcher(
        info.getShardIndex(),
        info.getTotalShards(),
        info.getBy(),
        Set.copyOf(info.getLabelsList()));
  }

  public boolean isSharded() {
    return total > 1;
  }

  public boolean matches(Labels lset) {
    if (total <= 1) {
      return true;
    }
    return Long.remainderUnsigned(hash(lset), total) == index;
  }

  /** The shard hash of a label set under this matcher's selection. */
  public long hash(Labels lset) {
    int pos = 0;
    for (int i = 0; i < lset.size(); i++) {
      String name = lset.name(i);
      boolean listed = labels.contains(name);
      boolean selected = by ? listed : !listed && !Labels.METRIC_NAME.equals(name);
      if (!selected) {
        continue;
      }
      pos = put(pos, name);
      pos = put(pos, lset.value(i));
    }
    return XX.hashBytes(buf, 0, pos);
  }

  private int put(int pos, String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    int need = pos + b.length + 1;
    if (need > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(need, buf.length * 2));
    }
    System.arraycopy(b, 0, buf, pos, b.length);
    buf[pos + b.length] = (byte) 0xFF;
    return need;
  }
}
