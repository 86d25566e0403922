package io.jthanos.promql.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jthanos.promql.Engine;
import io.jthanos.promql.EngineOptions;
import io.jthanos.promql.ErrorType;
import io.jthanos.promql.PromqlException;
import io.jthanos.promql.PromqlSemantics;
import io.jthanos.promql.Query;
import io.jthanos.promql.QueryOptions;
import io.jthanos.promql.QueryResult;
import io.jthanos.promql.promqltest.InMemoryStorage;
import io.jthanos.promql.value.FloatSeries;
import io.jthanos.promql.value.Matrix;
import io.jthanos.promql.value.Scalar;
import io.jthanos.promql.value.Vector;
import io.jthanos.tsdb.labels.Labels;
import io.jthanos.tsdb.labels.Matcher;
import io.jthanos.tsdb.storage.LabelHints;
import io.jthanos.tsdb.storage.LabelResult;
import io.jthanos.tsdb.storage.Querier;
import io.jthanos.tsdb.storage.Queryable;
import io.jthanos.tsdb.storage.SelectHints;
import io.jthanos.tsdb.storage.Series;
import io.jthanos.tsdb.storage.SeriesSet;
import io.jthanos.tsdb.storage.StorageException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Engine behaviour around the evaluation: options, limits, errors, hints, annotations. */
class EngineTest {
  private static final long MIN = 60_000;

  private static InMemoryStorage storage(int series, int samplesPerSeries) {
    InMemoryStorage s = new InMemoryStorage();
    for (int i = 0; i < series; i++) {
      Labels l = Labels.of("__name__", "x", "job", "j" + (i % 3), "instance", "i" + i);
      for (int k = 0; k < samplesPerSeries; k++) {
        s.append(l, k * 15_000L, k * (i + 1));
      }
    }
    return s;
  }

  private static Engine engine(PromqlSemantics sem) {
    return new Engine(EngineOptions.builder().semantics(sem).build());
  }

  @Test
  void instantAndRangeResults() {
    InMemoryStorage s = storage(6, 241);
    Engine e = engine(PromqlSemantics.PROMETHEUS_3);
    QueryResult r =
        e.instantQuery(s, "sum by (job) (rate(x[5m]))", 60 * MIN, QueryOptions.DEFAULT).exec();
    Vector v = (Vector) r.value();
    assertThat(v.samples()).hasSize(3);
    // series i increases by (i+1) every 15s: rate = (i+1)/15; jobs j0 = i 0,3 -> (1+4)/15
    assertThat(v.samples().stream().filter(x -> x.labels().get("job").equals("j0")).findFirst())
        .get()
        .satisfies(x -> assertThat(x.value()).isCloseTo(5 / 15.0, within()));

    Matrix m =
        (Matrix) e.rangeQuery(s, "sum(x)", 0, 10 * MIN, MIN, QueryOptions.DEFAULT).exec().value();
    assertThat(m.series()).hasSize(1);
    FloatSeries fs = m.series().get(0);
    assertThat(fs.timestamps()).hasSize(11);
    assertThat(fs.values()[2]).isEqualTo(8.0 * (1 + 2 + 3 + 4 + 5 + 6));

    Scalar sc = (Scalar) e.instantQuery(s, "1 + 2", 5_000, QueryOptions.DEFAULT).exec().value();
    assertThat(sc.value()).isEqualTo(3.0);
    assertThat(sc.timestamp()).isEqualTo(5_000);
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-12);
  }

  @Test
  void parseErrorsAreBadData() {
    Engine e = engine(PromqlSemantics.PROMETHEUS_3);
    assertThatThrownBy(() -> e.instantQuery(new InMemoryStorage(), "sum(", 0, QueryOptions.DEFAULT))
        .isInstanceOfSatisfying(
            PromqlException.class,
            x -> {
              assertThat(x.type()).isEqualTo(ErrorType.BAD_DATA);
              assertThat(x.getMessage()).isEqualTo("1:5: parse error: unclosed left parenthesis");
            });
    assertThatThrownBy(
            () -> e.rangeQuery(new InMemoryStorage(), "x[5m]", 0, 10, 1, QueryOptions.DEFAULT))
        .isInstanceOfSatisfying(
            PromqlException.class,
            x -> {
              assertThat(x.type()).isEqualTo(ErrorType.BAD_DATA);
              assertThat(x.getMessage())
                  .isEqualTo(
                      "invalid expression type \"range vector\" for range query, must be Scalar or"
                          + " instant Vector");
            });
    assertThatThrownBy(
            () -> e.rangeQuery(new InMemoryStorage(), "x", 0, 10, 0, QueryOptions.DEFAULT))
        .isInstanceOfSatisfying(
            PromqlException.class, x -> assertThat(x.type()).isEqualTo(ErrorType.BAD_DATA));
  }

  @Test
  void executionErrors() {
    InMemoryStorage s = new InMemoryStorage();
    s.append(Labels.of("__name__", "a", "x", "1", "y", "1"), 0, 1);
    s.append(Labels.of("__name__", "a", "x", "1", "y", "2"), 0, 1);
    s.append(Labels.of("__name__", "b", "x", "1"), 0, 1);
    Engine e = engine(PromqlSemantics.PROMETHEUS_3);
    assertThatThrownBy(() -> e.instantQuery(s, "b + on(x) a", 0, QueryOptions.DEFAULT).exec())
        .isInstanceOfSatisfying(
            PromqlException.class,
            x -> {
              assertThat(x.type()).isEqualTo(ErrorType.EXECUTION);
              assertThat(x.getMessage()).startsWith("found duplicate series for the match group");
            });
  }

  @Test
  void sampleLimit() {
    InMemoryStorage s = storage(10, 100);
    Engine e = new Engine(EngineOptions.builder().maxSamples(50).build());
    assertThatThrownBy(() -> e.instantQuery(s, "x[10m]", 20 * MIN, QueryOptions.DEFAULT).exec())
        .isInstanceOfSatisfying(
            PromqlException.class,
            x -> {
              assertThat(x.type()).isEqualTo(ErrorType.EXECUTION);
              assertThat(x.getMessage())
                  .isEqualTo(
                      "query processing would load too many samples into memory in query"
                          + " execution");
            });
    // Ten series in an instant vector fit.
    assertThat(
            ((Vector) e.instantQuery(s, "x", 20 * MIN, QueryOptions.DEFAULT).exec().value())
                .samples())
        .hasSize(10);
  }

  @Test
  void lookbackDeltaOverride() {
    InMemoryStorage s = new InMemoryStorage();
    s.append(Labels.of("__name__", "x"), 0, 1);
    Engine e = engine(PromqlSemantics.PROMETHEUS_3);
    assertThat(((Vector) e.instantQuery(s, "x", 4 * MIN, QueryOptions.DEFAULT).exec().value()))
        .extracting(v -> v.samples().size())
        .isEqualTo(1);
    assertThat(((Vector) e.instantQuery(s, "x", 4 * MIN, new QueryOptions(MIN, 0)).exec().value()))
        .extracting(v -> v.samples().size())
        .isEqualTo(0);
    // 3.x: the window is left-open, so a sample exactly lookback old is out; 2.x keeps it.
    assertThat(((Vector) e.instantQuery(s, "x", 5 * MIN, QueryOptions.DEFAULT).exec().value()))
        .extracting(v -> v.samples().size())
        .isEqualTo(0);
    Engine e2 = engine(PromqlSemantics.PROMETHEUS_2);
    assertThat(((Vector) e2.instantQuery(s, "x", 5 * MIN, QueryOptions.DEFAULT).exec().value()))
        .extracting(v -> v.samples().size())
        .isEqualTo(1);
  }

  /** A Queryable that records hints and can be slowed down, made to warn or to fail. */
  private static final class Recording implements Queryable {
    final Queryable delegate;
    final List<SelectHints> hints = new ArrayList<>();
    volatile long sleepPerSeriesMs;
    volatile CountDownLatch started;
    volatile CountDownLatch gate;
    List<String> warnings = List.of();
    RuntimeException failure;
    int open;

    Recording(Queryable delegate) {
      this.delegate = delegate;
    }

    @Override
    public Querier querier(long mint, long maxt) {
      Querier q = delegate.querier(mint, maxt);
      open++;
      return new Querier() {
        @Override
        public SeriesSet select(boolean sort, SelectHints h, List<Matcher> ms) {
          synchronized (hints) {
            hints.add(h);
          }
          if (failure != null) {
            throw failure;
          }
          SeriesSet set = q.select(sort, h, ms);
          return new SeriesSet() {
            @Override
            public boolean next() {
              if (started != null) {
                started.countDown();
              }
              if (gate != null) {
                try {
                  gate.await(60, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
              if (sleepPerSeriesMs > 0) {
                try {
                  Thread.sleep(sleepPerSeriesMs);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
              return set.next();
            }

            @Override
            public Series at() {
              return set.at();
            }

            @Override
            public List<String> warnings() {
              return warnings;
            }

            @Override
            public void close() {
              set.close();
            }
          };
        }

        @Override
        public LabelResult labelValues(String name, LabelHints h, List<Matcher> ms) {
          return q.labelValues(name, h, ms);
        }

        @Override
        public LabelResult labelNames(LabelHints h, List<Matcher> ms) {
          return q.labelNames(h, ms);
        }

        @Override
        public void close() {
          open--;
          q.close();
        }
      };
    }
  }

  @Test
  void selectHints() {
    Recording r = new Recording(storage(3, 400));
    Engine e = engine(PromqlSemantics.PROMETHEUS_3);
    e.rangeQuery(
            r,
            "sum by (job) (rate(x[5m])) / on(job) max without (instance) (x offset 1m)",
            60 * MIN,
            90 * MIN,
            30_000,
            QueryOptions.DEFAULT)
        .exec();
    assertThat(r.hints).hasSize(2);
    SelectHints rate =
        r.hints.stream().filter(h -> h.func().equals("rate")).findFirst().orElseThrow();
    assertThat(rate.range()).isEqualTo(5 * MIN);
    assertThat(rate.start()).isEqualTo(55 * MIN);
    assertThat(rate.end()).isEqualTo(90 * MIN);
    assertThat(rate.step()).isEqualTo(30_000);
    // As in Prometheus, grouping is only passed when the aggregation directly wraps the selector.
    assertThat(rate.grouping()).isEmpty();
    assertThat(rate.by()).isFalse();
    SelectHints max =
        r.hints.stream().filter(h -> h.func().equals("max")).findFirst().orElseThrow();
    assertThat(max.range()).isZero();
    assertThat(max.start()).isEqualTo(60 * MIN - MIN - 5 * MIN);
    assertThat(max.end()).isEqualTo(90 * MIN - MIN);
    assertThat(max.grouping()).containsExactly("instance");
    assertThat(max.by()).isFalse();
    assertThat(r.open).as("querier closed").isZero();
  }

  @Test
  void storageWarningsAndInfos() {
    Recording r = new Recording(storage(2, 100));
    r.warnings = List.of("store a unavailable");
    QueryResult res =
        engine(PromqlSemantics.PROMETHEUS_3)
            .instantQuery(r, "rate(x[5m])", 20 * MIN, QueryOptions.DEFAULT)
            .exec();
    assertThat(res.warnings()).containsExactly("store a unavailable");
    // "x" does not end in _total: Prometheus adds an info annotation with the position.
    assertThat(res.infos())
        .containsExactly(
            "PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: \"x\" (1:6)");
    assertThat(res.allWarnings()).hasSize(2);
  }

  @Test
  void storageErrorsAreExecutionErrors() {
    Recording r = new Recording(storage(1, 10));
    r.failure = new StorageException("disk on fire");
    assertThatThrownBy(
            () ->
                engine(PromqlSemantics.PROMETHEUS_3)
                    .instantQuery(r, "x", 0, QueryOptions.DEFAULT)
                    .exec())
        .isInstanceOfSatisfying(
            PromqlException.class,
            x -> {
              // Prometheus: "expanding series: <error>", answered as errorExec (422).
              assertThat(x.type()).isEqualTo(ErrorType.EXECUTION);
              assertThat(x.getMessage()).isEqualTo("expanding series: disk on fire");
            });
    assertThat(r.open).isZero();
  }

  @Test
  void timeout() {
    Recording r = new Recording(storage(200, 10));
    r.sleepPerSeriesMs = 5;
    Engine e = engine(PromqlSemantics.PROMETHEUS_3);
    assertThatThrownBy(() -> e.instantQuery(r, "sum(x)", MIN, new QueryOptions(0, 50)).exec())
        .isInstanceOfSatisfying(
            PromqlException.class,
            x -> {
              assertThat(x.type()).isEqualTo(ErrorType.TIMEOUT);
              assertThat(x.getMessage()).isEqualTo("query timed out in expression evaluation");
            });
  }

  @Test
  void cancellationFromAnotherThread() throws Exception {
    Recording r = new Recording(storage(5, 10));
    r.started = new CountDownLatch(1);
    r.gate = new CountDownLatch(1);
    Query q =
        engine(PromqlSemantics.PROMETHEUS_3).instantQuery(r, "sum(x)", MIN, QueryOptions.DEFAULT);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread t =
        Thread.ofPlatform()
            .start(
                () -> {
                  try {
                    q.exec();
                  } catch (Throwable x) {
                    thrown.set(x);
                  }
                });
    r.started.await();
    q.cancel();
    r.gate.countDown();
    t.join(60_000);
    assertThat(t.isAlive()).isFalse();
    assertThat(thrown.get())
        .isInstanceOfSatisfying(
            PromqlException.class,
            x -> {
              assertThat(x.type()).isEqualTo(ErrorType.CANCELED);
              assertThat(x.getMessage()).isEqualTo("query was canceled in expression evaluation");
            });
    assertThat(r.open).isZero();
  }

  @Test
  void canceledBeforeExec() {
    Query q =
        engine(PromqlSemantics.PROMETHEUS_3)
            .instantQuery(storage(1, 1), "x", 0, QueryOptions.DEFAULT);
    q.cancel();
    assertThatThrownBy(q::exec)
        .isInstanceOfSatisfying(
            PromqlException.class, x -> assertThat(x.type()).isEqualTo(ErrorType.CANCELED));
  }

  @Test
  void longChainsEvaluate() {
    InMemoryStorage s = storage(2, 10);
    String q = "x" + " + 1".repeat(900);
    Vector v =
        (Vector)
            engine(PromqlSemantics.PROMETHEUS_3)
                .instantQuery(s, q, 2 * MIN, QueryOptions.DEFAULT)
                .exec()
                .value();
    assertThat(v.samples()).hasSize(2);
    assertThat(v.samples().get(0).value()).isEqualTo(8 + 900);
    // Deep nesting below the parser's limit also works, whatever the caller's stack size.
    String nested = "abs(".repeat(990) + "sum(x)" + ")".repeat(990);
    Scalar depth =
        (Scalar)
            engine(PromqlSemantics.PROMETHEUS_2)
                .instantQuery(s, "scalar(" + nested + ")", 2 * MIN, QueryOptions.DEFAULT)
                .exec()
                .value();
    assertThat(depth.value()).isEqualTo(8 + 16);
  }

  @Test
  void unsupportedNativeHistogramsAreReported() {
    InMemoryStorage s = new InMemoryStorage();
    s.appendHistogram(Labels.of("__name__", "h"), 0);
    // The engine only supports float samples: native histogram samples must not be silently
    // dropped as if they were absent.
    assertThatThrownBy(
            () ->
                engine(PromqlSemantics.PROMETHEUS_3)
                    .instantQuery(s, "h", 0, QueryOptions.DEFAULT)
                    .exec())
        .isInstanceOf(PromqlException.class);
  }
}
