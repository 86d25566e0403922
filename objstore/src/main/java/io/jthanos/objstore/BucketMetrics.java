package io.jthanos.objstore;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Thanos' object store metrics for one bucket, all with a {@code bucket} label:
 *
 * <ul>
 *   <li>{@code thanos_objstore_bucket_operations_total{operation}}
 *   <li>{@code thanos_objstore_bucket_operation_failures_total{operation}} (not-found is expected,
 *       not a failure)
 *   <li>{@code thanos_objstore_bucket_operation_fetched_bytes_total{operation}}
 *   <li>{@code thanos_objstore_bucket_operation_transferred_bytes{operation}} (histogram, 32KiB to
 *       1GiB by powers of two)
 *   <li>{@code thanos_objstore_bucket_operation_duration_seconds{operation}} (histogram, 0.001 to
 *       120 s)
 *   <li>{@code thanos_objstore_bucket_last_successful_upload_time} (seconds since the epoch)
 * </ul>
 *
 * One instance per registry and bucket name (wrapping the same bucket twice shares the series).
 */
public final class BucketMetrics {
  public static final String OP_ITER = "iter";
  public static final String OP_GET = "get";
  public static final String OP_GET_RANGE = "get_range";
  public static final String OP_EXISTS = "exists";
  public static final String OP_UPLOAD = "upload";
  public static final String OP_DELETE = "delete";
  public static final String OP_ATTRIBUTES = "attributes";
  public static final List<String> OPS =
      List.of(OP_ITER, OP_GET, OP_GET_RANGE, OP_EXISTS, OP_UPLOAD, OP_DELETE, OP_ATTRIBUTES);

  static final Duration[] DURATION_BUCKETS = {
    Duration.ofMillis(1),
    Duration.ofMillis(10),
    Duration.ofMillis(100),
    Duration.ofMillis(300),
    Duration.ofMillis(600),
    Duration.ofSeconds(1),
    Duration.ofSeconds(3),
    Duration.ofSeconds(6),
    Duration.ofSeconds(9),
    Duration.ofSeconds(20),
    Duration.ofSeconds(30),
    Duration.ofSeconds(60),
    Duration.ofSeconds(90),
    Duration.ofSeconds(120)
  };

  static final double[] BYTE_BUCKETS = new double[16];

  static {
    for (int i = 0; i < BYTE_BUCKETS.length; i++) {
      BYTE_BUCKETS[i] = (double) (32768L << i); // 32KiB ... 1GiB
    }
  }

  private static final Map<MeterRegistry, Map<String, BucketMetrics>> CACHE = new WeakHashMap<>();

  final Map<String, Counter> ops = new HashMap<>();
  final Map<String, Counter> failures = new HashMap<>();
  final Map<String, Counter> fetched = new HashMap<>();
  final Map<String, Timer> duration = new HashMap<>();
  final Map<String, DistributionSummary> transferred = new HashMap<>();
  final AtomicLong lastUploadMillis = new AtomicLong();

  private BucketMetrics(MeterRegistry reg, String bucket) {
    for (String op : OPS) {
      ops.put(
          op,
          Counter.builder("thanos_objstore_bucket_operations")
              .description("Total number of all attempted operations against a bucket.")
              .tags("bucket", bucket, "operation", op)
              .register(reg));
      failures.put(
          op,
          Counter.builder("thanos_objstore_bucket_operation_failures")
              .description(
                  "Total number of operations against a bucket that failed, but were not expected"
                      + " to fail in certain way from caller perspective. Those errors have to be"
                      + " investigated.")
              .tags("bucket", bucket, "operation", op)
              .register(reg));
      fetched.put(
          op,
          Counter.builder("thanos_objstore_bucket_operation_fetched_bytes")
              .description("Total number of bytes fetched from bucket, per operation.")
              .tags("bucket", bucket, "operation", op)
              .register(reg));
      duration.put(
          op,
          Timer.builder("thanos_objstore_bucket_operation_duration")
              .description(
                  "Duration of successful operations against the bucket per operation - iter"
                      + " operations include time spent on each callback.")
              .tags("bucket", bucket, "operation", op)
              .serviceLevelObjectives(DURATION_BUCKETS)
              .register(reg));
    }
    for (String op : List.of(OP_GET, OP_GET_RANGE, OP_UPLOAD)) {
      transferred.put(
          op,
          DistributionSummary.builder("thanos_objstore_bucket_operation_transferred_bytes")
              .description("Number of bytes transferred from/to bucket per operation.")
              .tags("bucket", bucket, "operation", op)
              .serviceLevelObjectives(BYTE_BUCKETS)
              .register(reg));
    }
    Gauge.builder(
            "thanos_objstore_bucket_last_successful_upload_time",
            lastUploadMillis,
            v -> v.get() / 1000.0)
        .description("Second timestamp of the last successful upload to the bucket.")
        .tag("bucket", bucket)
        .register(reg);
  }

  /** The metrics of {@code bucket} in {@code reg}, created on first use. */
  public static BucketMetrics of(MeterRegistry reg, String bucket) {
    synchronized (CACHE) {
      return CACHE
          .computeIfAbsent(reg, r -> new HashMap<>())
          .computeIfAbsent(bucket, b -> new BucketMetrics(reg, b));
    }
  }
}
