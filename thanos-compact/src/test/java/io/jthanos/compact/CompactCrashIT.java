package io.jthanos.compact;

import static io.jthanos.block.compact.testing.BucketBlocks.H;
import static org.assertj.core.api.Assertions.assertThat;

import io.jthanos.block.compact.testing.BucketBlocks;
import io.jthanos.block.metadata.Meta;
import io.jthanos.objstore.filesystem.FilesystemBucket;
import io.jthanos.testing.Ports;
import io.jthanos.testing.process.JavaProcess;
import io.jthanos.tsdb.block.Ulid;
import io.jthanos.tsdb.testing.SyntheticData;
import io.jthanos.tsdb.testing.TestSeries;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crash safety: the compactor is killed with SIGKILL at random points (fixed seed) while it
 * compacts, garbage-collects, deletes and downsamples; after one clean run the bucket holds every
 * sample exactly once at raw resolution, no live block's sources overlap another's at the same
 * resolution, and the 2d block got its one 5m copy. Partial uploads left by kills are invisible to
 * readers (no meta.json).
 */
class CompactCrashIT {
  private static final Logger LOG = LoggerFactory.getLogger(CompactCrashIT.class);
  static final long T0 = 1_703_116_800_000L;
  static final Map<String, String> EXT = Map.of("cluster", "eu1");
  static final int KILLS = 20;

  @TempDir Path tmp;

  @Test
  void killedAtRandomPointsThenOneCleanRunLosesAndDoublesNothing() throws Exception {
    Path bucketDir = tmp.resolve("bucket");
    List<TestSeries> series =
        new SyntheticData(42).start(T0).interval(60_000).gaps(0.001).mix(24, 52 * 60);
    try (FilesystemBucket bkt = new FilesystemBucket(bucketDir)) {
      // 26 two-hour blocks: 8h compactions, one 2d compaction, then a 5m downsampled copy of it.
      for (int i = 0; i < 26; i++) {
        BucketBlocks.upload(
            bkt, tmp.resolve("up"), EXT, series, T0 + i * 2 * H, T0 + (i + 1) * 2 * H);
      }
      long original = BucketBlocks.samples(series);

      SplittableRandom random = new SplittableRandom(20260101L);
      List<String> phases = new ArrayList<>();
      for (int run = 0; run < KILLS; run++) {
        // Short delays: each killed run gets only part of the way, so the kills land in every
        // phase.
        long delayMs = random.nextLong(300);
        try (JavaProcess p = start(bucketDir, run)) {
          // Work starts once the component is composed; the kill point is a random delay after
          // that (a run that finishes first is fine too).
          p.awaitOutput("msg=\"starting component\"|msg=\"exiting\"", Duration.ofSeconds(60));
          if (!p.isAlive() || waitFor(p, delayMs)) {
            phases.add("exited " + run);
            continue;
          }
          ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly);
          p.awaitExit(Duration.ofSeconds(30));
          phases.add(lastMessage(p.output()));
        }
      }
      LOG.atInfo().addKeyValue("phases", phases).log("kill points");

      try (JavaProcess p = start(bucketDir, KILLS)) {
        assertThat(p.awaitExit(Duration.ofSeconds(180))).as(p.output()).isZero();
      }

      var raw = BucketBlocks.read(bkt, tmp.resolve("read"), 0, EXT);
      assertThat(raw.doubled()).isZero();
      assertThat(raw.samples()).isEqualTo(original);
      assertThat(raw.series()).isEqualTo(BucketBlocks.byLabels(series));

      var live = BucketBlocks.live(bkt);
      for (long res : new long[] {0, 300_000}) {
        HashSet<Ulid> seen = new HashSet<>();
        for (Meta m : live.values()) {
          if (m.resolution() != res) {
            continue;
          }
          for (Ulid s : m.block().compaction().sources()) {
            assertThat(seen.add(s)).as("source %s in two live blocks at %d", s, res).isTrue();
          }
        }
      }
      assertThat(live.values().stream().filter(m -> m.resolution() == 300_000L).count())
          .isEqualTo(1);
      assertThat(
              live.values().stream()
                  .filter(m -> m.resolution() == 0 && m.maxTime() - m.minTime() == 48 * H)
                  .count())
          .isEqualTo(1);
    }
  }

  private JavaProcess start(Path bucketDir, int run) {
    return JavaProcess.main(CompactMain.class.getName())
        .jvmArgs(TestJvm.ARGS)
        .args(
            "--objstore.config=type: FILESYSTEM\nconfig:\n  directory: " + bucketDir,
            "--data-dir=" + tmp.resolve("data"),
            "--http-address=127.0.0.1:" + Ports.freePort(),
            "--http-grace-period=0s",
            "--delete-delay=0s")
        .logTo(tmp.resolve("run-" + run + ".log"))
        .start();
  }

  /** Waits up to {@code ms} for the process to exit; true when it did. */
  private static boolean waitFor(JavaProcess p, long ms) throws InterruptedException {
    return ProcessHandle.of(p.pid())
        .map(
            h -> {
              try {
                h.onExit().get(ms, TimeUnit.MILLISECONDS);
                return true;
              } catch (java.util.concurrent.TimeoutException e) {
                return false;
              } catch (Exception e) {
                return !h.isAlive();
              }
            })
        .orElse(true);
  }

  private static String lastMessage(String output) {
    String last = "";
    for (String line : output.split("\n")) {
      int i = line.indexOf("msg=");
      if (i >= 0) {
        last = line.substring(i);
      }
    }
    return last;
  }
}
