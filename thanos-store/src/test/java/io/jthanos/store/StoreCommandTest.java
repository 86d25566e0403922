package io.jthanos.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jthanos.block.indexheader.ReaderPool;
import io.jthanos.config.ConfigException;
import io.jthanos.server.ComponentMain;
import io.jthanos.server.docs.ComponentDocs;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StoreCommandTest {
  @Test
  void docsMatchHelp() {
    ComponentDocs.assertUpToDate(new StoreCommand());
  }

  static StoreCommand.StoreConfig parse(String... args) {
    StoreCommand c = new StoreCommand();
    ComponentMain.commandLine(c).parseArgs(args);
    return c.config();
  }

  @Test
  void defaultsFollowThanos() {
    StoreCommand.StoreConfig cfg = parse();
    StoreGateway.Settings s = cfg.settings();
    assertThat(s.dataDir().toString()).isEqualTo("./data");
    assertThat(cfg.syncInterval()).isEqualTo(Duration.ofMinutes(15));
    assertThat(s.blockSyncConcurrency()).isEqualTo(20);
    assertThat(s.metaFetchConcurrency()).isEqualTo(32);
    assertThat(s.consistencyDelay()).isZero();
    assertThat(s.ignoreDeletionMarksDelay()).isEqualTo(Duration.ofHours(24));
    assertThat(cfg.indexCacheSize()).isEqualTo(250L << 20);
    assertThat(s.chunkPoolSize()).isEqualTo(2L << 30);
    assertThat(s.cacheIndexHeader()).isTrue();
    assertThat(s.lazyIndexHeader()).isFalse();
    assertThat(s.lazyDownloadStrategy()).isEqualTo(ReaderPool.DownloadStrategy.EAGER);
    assertThat(s.seriesMaxConcurrency()).isEqualTo(20);
    assertThat(s.limits().series()).isZero();
    assertThat(s.limits().samples()).isZero();
    assertThat(s.limits().bytes()).isZero();
    assertThat(s.postingOffsetsSampling()).isEqualTo(32);
    assertThat(cfg.webDisabled()).isFalse();
  }

  @Test
  void deprecatedLimitFlagsAreAliasesAndTheNewFlagsWin() {
    StoreGateway.Settings s =
        parse("--store.grpc.touched-series-limit=10", "--store.grpc.series-sample-limit=1200")
            .settings();
    assertThat(s.limits().series()).isEqualTo(10);
    assertThat(s.limits().samples()).isEqualTo(1200);
    assertThat(s.limits().chunks()).isEqualTo(10);
    s =
        parse(
                "--store.grpc.touched-series-limit=10",
                "--store.limits.request-series=20",
                "--store.limits.request-samples=240",
                "--store.grpc.downloaded-bytes-limit=1MB")
            .settings();
    assertThat(s.limits().series()).isEqualTo(20);
    assertThat(s.limits().samples()).isEqualTo(240);
    assertThat(s.limits().bytes()).isEqualTo(1 << 20);
  }

  @Test
  void flagsParseIntoSettings() {
    StoreCommand.StoreConfig cfg =
        parse(
            "--data-dir=/tmp/x",
            "--no-cache-index-header",
            "--store.enable-index-header-lazy-reader",
            "--store.index-header-lazy-download-strategy=lazy",
            "--min-time=-2w",
            "--max-time=2030-01-01T00:00:00Z",
            "--selector.relabel-config=- action: keep\n  source_labels: [region]\n  regex: eu",
            "--index-cache.config=type: IN-MEMORY\nconfig:\n  max_size: 10MB",
            "--sync-block-duration=3m",
            "--web.disable");
    assertThat(cfg.settings().cacheIndexHeader()).isFalse();
    assertThat(cfg.settings().lazyIndexHeader()).isTrue();
    assertThat(cfg.settings().lazyDownloadStrategy()).isEqualTo(ReaderPool.DownloadStrategy.LAZY);
    assertThat(cfg.settings().minTime().isRelative()).isTrue();
    assertThat(cfg.settings().selectorRelabel()).hasSize(1);
    assertThat(cfg.indexCacheConfig()).contains("IN-MEMORY");
    assertThat(cfg.syncInterval()).isEqualTo(Duration.ofMinutes(3));
    assertThat(cfg.webDisabled()).isTrue();
  }

  @Test
  void badValuesNameTheFlag() {
    assertThatThrownBy(() -> parse("--chunk-pool-size=lots"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("chunk-pool-size");
    assertThatThrownBy(() -> parse("--store.index-header-lazy-download-strategy=sometimes"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("eager");
    assertThatThrownBy(
            () -> parse("--min-time=2030-01-01T00:00:00Z", "--max-time=2020-01-01T00:00:00Z"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("min-time");
    assertThatThrownBy(() -> parse("--block-sync-concurrency=0"))
        .isInstanceOf(ConfigException.class);
  }
}
