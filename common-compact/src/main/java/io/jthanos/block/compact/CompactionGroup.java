package io.jthanos.block.compact;

import io.jthanos.block.metadata.Meta;
import io.jthanos.tsdb.block.Ulid;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Blocks with the same external labels and resolution (Thanos' compaction group): they hold the
 * same stream and can be compacted together. Key {@code "<resolution>@<labels hash>"}.
 *
 * @param metasByMinTime the group's blocks, ordered by minTime (then ULID)
 */
public record CompactionGroup(
    String key, SortedMap<String, String> labels, long resolution, List<Meta> metasByMinTime) {

  public CompactionGroup {
    labels = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(labels));
    List<Meta> sorted = new ArrayList<>(metasByMinTime);
    sorted.sort(Comparator.comparingLong(Meta::minTime).thenComparing(Meta::ulid));
    metasByMinTime = List.copyOf(sorted);
  }

  /** Groups blocks by {@link io.jthanos.block.metadata.ThanosMeta#groupKey()}, sorted by key. */
  public static List<CompactionGroup> groups(Collection<Meta> metas) {
    Map<String, List<Meta>> byKey = new TreeMap<>();
    for (Meta m : metas) {
      byKey.computeIfAbsent(m.thanos().groupKey(), k -> new ArrayList<>()).add(m);
    }
    List<CompactionGroup> out = new ArrayList<>();
    for (Map.Entry<String, List<Meta>> e : byKey.entrySet()) {
      Meta first = e.getValue().get(0);
      out.add(
          new CompactionGroup(
              e.getKey(), new TreeMap<>(first.labels()), first.resolution(), e.getValue()));
    }
    return out;
  }

  /** The group's block ids in ULID order. */
  public List<Ulid> ids() {
    return metasByMinTime.stream().map(Meta::ulid).sorted().toList();
  }

  /** A readable name: {@code <resolution>@{labels}}. */
  public String describe() {
    return resolution + "@" + io.jthanos.tsdb.labels.Labels.fromMap(labels);
  }

  /** The group without {@code removed} and with {@code added}. */
  public CompactionGroup replacing(Collection<Ulid> removed, Collection<Meta> added) {
    Map<Ulid, Meta> m = new LinkedHashMap<>();
    for (Meta x : metasByMinTime) {
      m.put(x.ulid(), x);
    }
    removed.forEach(m::remove);
    for (Meta x : added) {
      m.put(x.ulid(), x);
    }
    return new CompactionGroup(key, labels, resolution, new ArrayList<>(m.values()));
  }

  /**
   * Pairs of blocks overlapping in time, as Prometheus' {@code OverlappingBlocks} reports them;
   * empty when none overlap.
   */
  public static String overlaps(List<Meta> metas) {
    List<Meta> sorted = new ArrayList<>(metas);
    sorted.sort(Comparator.comparingLong(Meta::minTime).thenComparing(Meta::ulid));
    StringBuilder sb = new StringBuilder();
    long maxSoFar = sorted.isEmpty() ? Long.MIN_VALUE : sorted.get(0).maxTime();
    for (int i = 1; i < sorted.size(); i++) {
      Meta m = sorted.get(i);
      if (m.minTime() < maxSoFar) {
        for (int j = 0; j < i; j++) {
          Meta o = sorted.get(j);
          if (m.minTime() < o.maxTime()) {
            if (!sb.isEmpty()) {
              sb.append(", ");
            }
            sb.append("[mint: ")
                .append(Math.max(m.minTime(), o.minTime()))
                .append(", maxt: ")
                .append(Math.min(m.maxTime(), o.maxTime()))
                .append(", range: ")
                .append(
                    java.time.Duration.ofMillis(
                        Math.min(m.maxTime(), o.maxTime()) - Math.max(m.minTime(), o.minTime())))
                .append(", blocks: ")
                .append(o.ulid())
                .append(" ")
                .append(m.ulid())
                .append("]");
          }
        }
      }
      maxSoFar = Math.max(maxSoFar, m.maxTime());
    }
    return sb.toString();
  }
}
