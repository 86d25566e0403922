package io.jthanos.tools.bucket;

import io.jthanos.block.relabel.RelabelConfig;
import io.jthanos.block.relabel.RelabelConfigs;
import io.jthanos.config.PathOrContent;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --selector.relabel-config-file} / {@code --selector.relabel-config}. */
public final class SelectorOptions {
  @Option(
      names = "--selector.relabel-config-file",
      defaultValue = "",
      paramLabel = "<file-path>",
      description =
          "Path to YAML file with relabeling configuration that allows selecting blocks to act on"
              + " based on their external labels. It follows thanos sharding relabel-config syntax."
              + " For format details see: https://thanos.io/tip/thanos/sharding.md/#relabelling")
  String file;

  @Option(
      names = "--selector.relabel-config",
      defaultValue = "",
      paramLabel = "<content>",
      description =
          "Alternative to 'selector.relabel-config-file' flag (mutually exclusive). Content of"
              + " YAML file with relabeling configuration that allows selecting blocks to act on"
              + " based on their external labels. It follows thanos sharding relabel-config syntax."
              + " For format details see: https://thanos.io/tip/thanos/sharding.md/#relabelling")
  String content;

  /** The parsed configs (keep, drop, hashmod on external labels and {@code __block_id}). */
  List<RelabelConfig> configs() {
    return RelabelConfigs.fromFlags(
        new PathOrContent("selector.relabel-config-file", "selector.relabel-config", file, content),
        RelabelConfigs.SELECTOR_ACTIONS);
  }
}
