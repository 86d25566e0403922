package io.jthanos.block.fetcher;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A gauge family with one label whose values change together, as Thanos' {@code
 * extprom.TxGaugeVec}: a sync starts a transaction ({@link #resetTx()}), filters count into it
 * ({@link #inc}, {@link #set}), and {@link #submit()} publishes all values at once, so scrapes
 * never see a half-counted sync. Label values given at construction are exported (as 0) from the
 * start. Thread-safe.
 */
public final class TxGaugeVec {
  private final MeterRegistry registry;
  private final String name;
  private final String description;
  private final String labelName;
  private final Map<String, AtomicLong> published = new ConcurrentHashMap<>();
  private final Map<String, Double> tx = new LinkedHashMap<>();

  public TxGaugeVec(
      MeterRegistry registry,
      String name,
      String description,
      String labelName,
      List<String> initialValues) {
    this.registry = registry;
    this.name = name;
    this.description = description;
    this.labelName = labelName;
    for (String v : initialValues) {
      gauge(v);
    }
  }

  private AtomicLong gauge(String value) {
    return published.computeIfAbsent(
        value,
        v -> {
          AtomicLong bits = new AtomicLong(Double.doubleToRawLongBits(0));
          if (registry != null) {
            Gauge.builder(name, bits, b -> Double.longBitsToDouble(b.get()))
                .description(description)
                .tag(labelName, v)
                .register(registry);
          }
          return bits;
        });
  }

  /** Starts a new transaction: every value counts from zero again. */
  public synchronized void resetTx() {
    tx.clear();
  }

  /** Adds one to a label value in the current transaction. */
  public synchronized void inc(String value) {
    tx.merge(value, 1.0, Double::sum);
  }

  /** Sets a label value in the current transaction. */
  public synchronized void set(String value, double v) {
    tx.put(value, v);
  }

  /** The value counted so far in the current transaction. */
  public synchronized double current(String value) {
    return tx.getOrDefault(value, 0.0);
  }

  /** Publishes the transaction: values not touched in it become 0. */
  public synchronized void submit() {
    for (String v : tx.keySet()) {
      gauge(v);
    }
    for (Map.Entry<String, AtomicLong> e : published.entrySet()) {
      e.getValue().set(Double.doubleToRawLongBits(tx.getOrDefault(e.getKey(), 0.0)));
    }
  }

  /** The published value of a label value (0 when never published). */
  public double published(String value) {
    AtomicLong b = published.get(value);
    return b == null ? 0 : Double.longBitsToDouble(b.get());
  }
}
