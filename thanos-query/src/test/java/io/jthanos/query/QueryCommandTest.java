package io.jthanos.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jthanos.config.ConfigException;
import io.jthanos.server.ComponentMain;
import io.jthanos.server.docs.ComponentDocs;
import org.junit.jupiter.api.Test;

class QueryCommandTest {
  @Test
  void docsMatchHelp() {
    ComponentDocs.assertUpToDate(new QueryCommand());
  }

  static QueryCommand parse(String... args) {
    QueryCommand c = new QueryCommand();
    ComponentMain.commandLine(c).parseArgs(args);
    return c;
  }

  @Test
  void defaultsFollowThanos() {
    QueryCommand.QueryConfig cfg = parse().config();
    assertThat(cfg.apiSettings().partialResponse()).isTrue();
    assertThat(cfg.apiSettings().queryTimeoutMs()).isEqualTo(120_000);
    assertThat(cfg.maxConcurrentSelect()).isEqualTo(4);
    assertThat(cfg.apiSettings().maxConcurrent()).isEqualTo(20);
    assertThat(cfg.engineOptions().lookbackDeltaMs()).isEqualTo(300_000);
    assertThat(cfg.routePrefix()).isEmpty();
  }

  @Test
  void replicaLabelsRepeatAndSplitOnCommas() {
    QueryCommand.QueryConfig cfg =
        parse("--query.replica-label=a,b", "--query.replica-label=c", "--no-query.partial-response")
            .config();
    assertThat(cfg.apiSettings().replicaLabels()).containsExactly("a", "b", "c");
    assertThat(cfg.apiSettings().partialResponse()).isFalse();
  }

  @Test
  void prefixesAreNormalised() {
    assertThat(parse("--web.external-prefix=/thanos/").config().routePrefix()).isEqualTo("/thanos");
    assertThat(parse("--web.route-prefix=x").config().routePrefix()).isEqualTo("/x");
  }

  @Test
  void badValuesNameTheFlag() {
    assertThatThrownBy(() -> parse("--deduplication.func=magic").config())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("penalty");
    assertThatThrownBy(() -> parse("--grpc-compression=zstd").config())
        .isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> parse("--endpoint.sd-config=endpoints: [{strict: true}]").config())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("address");
  }
}
