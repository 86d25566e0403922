package io.jthanos.tools.bucket;

import static io.jthanos.block.compact.testing.BucketBlocks.H;
import static org.assertj.core.api.Assertions.assertThat;

import io.jthanos.block.Blocks;
import io.jthanos.block.compact.testing.BucketBlocks;
import io.jthanos.block.metadata.MarkerType;
import io.jthanos.block.metadata.Meta;
import io.jthanos.block.metadata.NoCompactMark;
import io.jthanos.objstore.filesystem.FilesystemBucket;
import io.jthanos.testing.Ports;
import io.jthanos.testing.browser.HeadlessChromium;
import io.jthanos.testing.process.JavaProcess;
import io.jthanos.tools.ToolsMain;
import io.jthanos.tsdb.testing.SyntheticData;
import io.jthanos.tsdb.testing.TestSeries;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * {@code tools bucket web} in headless Chromium and {@code tools bucket downsample} as processes.
 */
class ToolsProcessIT {
  static final long T0 = 1_703_116_800_000L;

  @TempDir Path tmp;

  JavaProcess tool(String... args) {
    return JavaProcess.main(ToolsMain.class.getName())
        .args(args)
        .logTo(tmp.resolve("tool-" + System.nanoTime() + ".log"))
        .start();
  }

  static String fs(Path dir) {
    return "--objstore.config=type: FILESYSTEM\nconfig:\n  directory: " + dir + "\n";
  }

  @Test
  void bucketWebDrawsEveryBlockAndShowsAndMarksOneOnClick() throws Exception {
    Path dir = tmp.resolve("bucket");
    List<TestSeries> series = new SyntheticData(3).start(T0).interval(60_000).mix(1, 12 * 60);
    List<Meta> metas = new ArrayList<>();
    try (FilesystemBucket bkt = new FilesystemBucket(dir)) {
      for (int i = 0; i < 4; i++) {
        metas.add(
            BucketBlocks.upload(
                bkt,
                tmp.resolve("up"),
                Map.of("cluster", "eu1"),
                series,
                T0 + i * 2 * H,
                T0 + (i + 1) * 2 * H));
      }
      for (int i = 0; i < 2; i++) {
        metas.add(
            BucketBlocks.upload(
                bkt,
                tmp.resolve("up"),
                Map.of("cluster", "eu2"),
                series,
                T0 + i * 3 * H,
                T0 + (i + 1) * 3 * H));
      }
      // An overlapping block: drawn in a second lane of its row.
      metas.add(
          BucketBlocks.upload(
              bkt, tmp.resolve("up"), Map.of("cluster", "eu2"), series, T0 + H, T0 + 2 * H));

      int port = Ports.freePort();
      String base = "http://127.0.0.1:" + port;
      try (JavaProcess web =
              tool(
                  "bucket",
                  "web",
                  fs(dir),
                  "--http-address=127.0.0.1:" + port,
                  "--http-grace-period=0s",
                  "--label=cluster");
          HeadlessChromium browser = HeadlessChromium.start()) {
        web.awaitHttp(base + "/-/ready", 200, Duration.ofSeconds(60));
        Awaitility.await()
            .atMost(Duration.ofSeconds(60))
            .ignoreExceptions()
            .until(
                () ->
                    web.awaitHttp(base + "/api/v1/blocks", 200, Duration.ofSeconds(5))
                        .body()
                        .contains(metas.get(6).ulid().toString()));
        browser.driver().get(base + "/");
        browser
            .waitFor(Duration.ofSeconds(30))
            .until(d -> d.findElements(By.cssSelector("svg#timeline rect.block")).size() == 7);
        List<WebElement> rects = browser.driver().findElements(By.cssSelector("rect.block"));
        Set<String> drawn = new HashSet<>();
        for (WebElement r : rects) {
          drawn.add(r.getDomAttribute("data-ulid"));
        }
        Set<String> expected = new HashSet<>();
        metas.forEach(m -> expected.add(m.ulid().toString()));
        assertThat(drawn).isEqualTo(expected);
        List<String> titles =
            browser.driver().findElements(By.cssSelector("text.row-title")).stream()
                .map(WebElement::getText)
                .toList();
        assertThat(titles).containsExactly("cluster=eu1 @ raw", "cluster=eu2 @ raw");
        assertThat(browser.driver().findElement(By.id("blocks-summary")).getText())
            .isEqualTo("7 blocks");

        Meta target = metas.get(5);
        WebElement rect =
            browser
                .driver()
                .findElement(By.cssSelector("rect.block[data-ulid='" + target.ulid() + "']"));
        new org.openqa.selenium.interactions.Actions(browser.driver())
            .moveToElement(rect)
            .click()
            .perform();
        browser
            .waitFor(Duration.ofSeconds(10))
            .until(d -> !d.findElements(By.id("block-details")).isEmpty());
        String details = browser.driver().findElement(By.id("block-details")).getText();
        assertThat(details)
            .contains(target.ulid().toString())
            .contains("cluster=\"eu2\"")
            .contains("Duration 3h")
            .contains("Samples " + target.block().stats().numSamples());

        browser
            .driver()
            .findElement(By.cssSelector("#block-details input"))
            .sendKeys("from the UI");
        browser.driver().findElement(By.xpath("//button[text()='Mark no compaction']")).click();
        browser
            .waitFor(Duration.ofSeconds(10))
            .until(d -> d.findElement(By.id("block-details")).getText().contains("Marked"));
        var mark = Blocks.readMarker(bkt, target.ulid(), MarkerType.NO_COMPACT);
        assertThat(mark).isPresent();
        assertThat(((NoCompactMark) mark.get()).details()).isEqualTo("from the UI");

        // The filter hides blocks not matching.
        browser.driver().findElement(By.id("blocks-filter")).sendKeys(target.ulid().toString());
        browser
            .waitFor(Duration.ofSeconds(10))
            .until(d -> d.findElements(By.cssSelector("rect.block")).size() == 1);
      }
    }
  }

  @Test
  void bucketDownsampleMakesFiveMinuteBlocks() throws Exception {
    Path dir = tmp.resolve("bucket");
    List<TestSeries> series = new SyntheticData(4).start(T0).interval(300_000).mix(1, 48 * 12);
    try (FilesystemBucket bkt = new FilesystemBucket(dir)) {
      Meta raw =
          BucketBlocks.upload(
              bkt, tmp.resolve("up"), Map.of("cluster", "eu1"), series, T0, T0 + 48 * H);
      int port = Ports.freePort();
      try (JavaProcess p =
          tool(
              "bucket",
              "downsample",
              fs(dir),
              "--http-address=127.0.0.1:" + port,
              "--http-grace-period=0s",
              "--data-dir=" + tmp.resolve("data"),
              "--wait-interval=1h")) {
        Awaitility.await()
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(300))
            .until(() -> BucketBlocks.live(bkt).size() == 2);
        Meta ds =
            BucketBlocks.live(bkt).values().stream()
                .filter(m -> m.resolution() == 300_000L)
                .findFirst()
                .orElseThrow();
        assertThat(ds.block().compaction().sources()).isEqualTo(raw.block().compaction().sources());
        Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .until(
                () ->
                    p.awaitHttp("http://127.0.0.1:" + port + "/metrics", 200, Duration.ofSeconds(5))
                        .body()
                        .contains("thanos_compact_downsample_total{resolution=\"0\"} 1.0"));
        assertThat(p.isAlive()).isTrue();
      }
    }
  }
}
