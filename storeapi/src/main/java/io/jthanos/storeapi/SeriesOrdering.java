package io.jthanos.storeapi;

import io.jthanos.tsdb.labels.Labels;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Restores label order after external labels are merged into series that storage returned sorted by
 * their own labels.
 *
 * <p>Inserting the same external labels into every series keeps the order of any two series except
 * one case: series A is a proper prefix of series B, A has no label named after the greatest
 * external label name N, and B's first label beyond A is named before N. Then A moves after B (e.g.
 * {@code {a="1"}} before {@code {a="1",b="1"}} becomes {@code {a="1",r="x"}} after {@code
 * {a="1",b="1",r="x"}}). Such B all follow A directly in storage order, so a stack of held-back
 * series restores the order while streaming (depth bounded by the number of labels).
 *
 * <p>When storage series themselves carry an external label name (its value is overridden) or a
 * label removed by {@code without_replica_labels}, no local rule exists: {@link #resorting} buffers
 * everything and sorts, as Thanos' resorting server does.
 */
abstract class SeriesOrdering<T> {
  /** One series on its way out: its final labels and its payload (storage labels, chunks). */
  record Item<T>(Labels source, Labels out, T payload) {}

  abstract void accept(Item<T> item);

  abstract void finish();

  /** Storage order is already the output order. */
  static <T> SeriesOrdering<T> direct(Consumer<Item<T>> sink) {
    return new SeriesOrdering<>() {
      @Override
      void accept(Item<T> item) {
        sink.accept(item);
      }

      @Override
      void finish() {}
    };
  }

  /** Streaming fix-up for external labels whose greatest name is {@code maxExternalName}. */
  static <T> SeriesOrdering<T> stacked(String maxExternalName, Consumer<Item<T>> sink) {
    return new Stacked<>(maxExternalName, sink);
  }

  /** Buffers every series and emits them sorted by output labels (stable). */
  static <T> SeriesOrdering<T> resorting(Consumer<Item<T>> sink) {
    return new SeriesOrdering<>() {
      private final List<Item<T>> all = new ArrayList<>();

      @Override
      void accept(Item<T> item) {
        all.add(item);
      }

      @Override
      void finish() {
        all.sort((a, b) -> Labels.compare(a.out(), b.out()));
        for (Item<T> i : all) {
          sink.accept(i);
        }
        all.clear();
      }
    };
  }

  /**
   * Which ordering a request needs, given the label names present in storage.
   *
   * @param storageNames label names the storage holds (a superset is fine)
   * @param external external labels after {@code without_replica_labels} removal
   * @param removed labels {@code without_replica_labels} asks to drop
   */
  static Mode mode(Collection<String> storageNames, Labels external, Set<String> removed) {
    for (String n : storageNames) {
      if (removed.contains(n) || external.has(n)) {
        return Mode.RESORT;
      }
    }
    return external.isEmpty() ? Mode.DIRECT : Mode.STACKED;
  }

  enum Mode {
    DIRECT,
    STACKED,
    RESORT
  }

  private static final class Stacked<T> extends SeriesOrdering<T> {
    private final String maxName;
    private final Consumer<Item<T>> sink;
    private final Deque<Item<T>> held = new ArrayDeque<>();

    Stacked(String maxName, Consumer<Item<T>> sink) {
      this.maxName = maxName;
      this.sink = sink;
    }

    @Override
    void accept(Item<T> item) {
      Labels s = item.source();
      while (!held.isEmpty() && !extendsBefore(s, held.peek().source())) {
        sink.accept(held.pop());
      }
      if (isOpen(s)) {
        held.push(item);
      } else {
        sink.accept(item);
      }
    }

    @Override
    void finish() {
      while (!held.isEmpty()) {
        sink.accept(held.pop());
      }
    }

    /** No label of the series sorts at or after the greatest external name. */
    private boolean isOpen(Labels s) {
      return s.isEmpty() || Labels.compareStrings(s.name(s.size() - 1), maxName) < 0;
    }

    /** {@code s} starts with all of {@code prefix} and its next label is named before N. */
    private boolean extendsBefore(Labels s, Labels prefix) {
      int n = prefix.size();
      if (s.size() <= n) {
        return false;
      }
      for (int i = 0; i < n; i++) {
        if (!s.name(i).equals(prefix.name(i)) || !s.value(i).equals(prefix.value(i))) {
          return false;
        }
      }
      return Labels.compareStrings(s.name(n), maxName) < 0;
    }
  }
}
