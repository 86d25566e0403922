package io.jthanos.compact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jthanos.block.metadata.HashFunc;
import io.jthanos.config.ConfigException;
import io.jthanos.server.ComponentMain;
import io.jthanos.server.docs.ComponentDocs;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompactCommandTest {
  @Test
  void docsMatchHelp() {
    ComponentDocs.assertUpToDate(new CompactCommand());
  }

  static CompactCommand parse(String... args) {
    CompactCommand c = new CompactCommand();
    ComponentMain.commandLine(c).parseArgs(args);
    return c;
  }

  @Test
  void defaultsFollowThanos() {
    CompactConfig cfg = parse().config();
    var job = cfg.job();
    assertThat(job.dataDir().toString()).isEqualTo("./data");
    assertThat(job.consistencyDelay()).isEqualTo(Duration.ofMinutes(30));
    assertThat(job.deleteDelay()).isEqualTo(Duration.ofHours(48));
    assertThat(job.retention().raw()).isZero();
    assertThat(job.compactConcurrency()).isEqualTo(1);
    assertThat(job.downsampleConcurrency()).isEqualTo(1);
    assertThat(job.blocksFetchConcurrency()).isEqualTo(1);
    assertThat(job.blockFilesConcurrency()).isEqualTo(1);
    assertThat(job.metaFetchConcurrency()).isEqualTo(32);
    assertThat(job.maxIndexSize()).isEqualTo(64L << 30);
    assertThat(job.maxCompactionLevel()).isEqualTo(4);
    assertThat(job.vertical()).isFalse();
    assertThat(job.hashFunc()).isEqualTo(HashFunc.NONE);
    assertThat(cfg.waitForWork()).isFalse();
    assertThat(cfg.waitInterval()).isEqualTo(Duration.ofMinutes(5));
    assertThat(cfg.haltOnError()).isTrue();
    assertThat(cfg.cleanupInterval()).isEqualTo(Duration.ofMinutes(5));
    assertThat(cfg.progressInterval()).isEqualTo(Duration.ofMinutes(5));
    assertThat(cfg.disableAdminOperations()).isFalse();
  }

  @Test
  void replicaLabelsImplyVerticalCompaction() {
    CompactConfig cfg =
        parse(
                "--deduplication.replica-label=replica,rule_replica",
                "--deduplication.func=penalty",
                "-w",
                "--hash-func=SHA256",
                "--compact.block-max-index-size=1GB",
                "--no-debug.halt-on-error")
            .config();
    assertThat(cfg.job().replicaLabels()).containsExactly("replica", "rule_replica");
    assertThat(cfg.job().vertical()).isTrue();
    assertThat(cfg.job().dedupFunc()).isEqualTo("penalty");
    assertThat(cfg.waitForWork()).isTrue();
    assertThat(cfg.haltOnError()).isFalse();
    assertThat(cfg.job().hashFunc()).isEqualTo(HashFunc.SHA256);
    assertThat(cfg.job().maxIndexSize()).isEqualTo(1L << 30);
  }

  @Test
  void badValuesNameTheFlag() {
    assertThatThrownBy(() -> parse("--deduplication.func=magic").config())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("penalty");
    assertThatThrownBy(() -> parse("--deduplication.func=penalty").config())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("replica label");
    assertThatThrownBy(() -> parse("--hash-func=MD5").config()).isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> parse("--retention.resolution-raw=1d").config())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("40 hours");
    assertThat(
            parse("--retention.resolution-raw=1d", "--downsampling.disable")
                .config()
                .job()
                .retention()
                .raw())
        .isEqualTo(Duration.ofDays(1));
    assertThatThrownBy(() -> parse("--compact.concurrency=0").config())
        .isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> parse("--block-discovery-strategy=random").config())
        .isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> parse("--min-time=yesterday").config())
        .isInstanceOf(ConfigException.class);
    assertThatThrownBy(
            () -> parse("--selector.relabel-config=- action: labelmap\n  regex: a").config())
        .isInstanceOf(ConfigException.class);
  }

  @Test
  void selectorAndTimeRangeAreParsed() {
    CompactConfig cfg =
        parse(
                "--min-time=-2w",
                "--max-time=2024-01-01T00:00:00Z",
                "--selector.relabel-config=- action: keep\n  source_labels: [cluster]\n  regex: eu1")
            .config();
    assertThat(cfg.job().selector()).hasSize(1);
    assertThat(cfg.job().minTime().isRelative()).isTrue();
    assertThat(List.of(cfg.job().maxTime().isRelative())).containsExactly(false);
  }
}
