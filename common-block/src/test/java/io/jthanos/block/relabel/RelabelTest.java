package io.jthanos.block.relabel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jthanos.config.ConfigException;
import io.jthanos.tsdb.labels.Labels;
import java.util.List;
import org.junit.jupiter.api.Test;

class RelabelTest {
  static final Labels ABC = Labels.of("a", "foo", "b", "bar", "c", "baz");

  static Labels run(Labels in, String yaml) {
    return Relabel.process(in, RelabelConfigs.parse(yaml));
  }

  @Test
  void replaceWithGroupsAndTemplates() {
    assertThat(
            run(
                ABC,
                """
                - source_labels: [a, b]
                  regex: "f(.*);(.*)r"
                  target_label: d
                  replacement: "${1}-$2"
                """))
        .isEqualTo(Labels.of("a", "foo", "b", "bar", "c", "baz", "d", "oo-ba"));
    // No match: nothing happens.
    assertThat(run(ABC, "- {source_labels: [a], regex: 'x(.*)', target_label: d}")).isEqualTo(ABC);
    // Target label from a group.
    assertThat(
            run(
                ABC,
                "- {source_labels: [a], regex: '(f)(.*)', target_label: 'l_${1}', replacement: '$2'}"))
        .isEqualTo(ABC.with("l_f", "oo"));
    // Empty result deletes the target.
    assertThat(run(ABC, "- {source_labels: [x], target_label: a, replacement: ''}"))
        .isEqualTo(Labels.of("b", "bar", "c", "baz"));
    // Fast path: constant label.
    assertThat(run(ABC, "- {target_label: env, replacement: prod}"))
        .isEqualTo(ABC.with("env", "prod"));
  }

  @Test
  void keepAndDrop() {
    assertThat(run(ABC, "- {source_labels: [a], regex: 'f.*', action: keep}")).isEqualTo(ABC);
    assertThat(run(ABC, "- {source_labels: [a], regex: 'f', action: keep}")).isNull();
    assertThat(
            run(ABC, "- {source_labels: [a, c], separator: '|', regex: 'foo\\|baz', action: drop}"))
        .isNull();
    assertThat(run(ABC, "- {source_labels: [missing], regex: '', action: keep}")).isEqualTo(ABC);
    assertThat(run(ABC, "- {source_labels: [a], target_label: b, action: KeepEqual}")).isNull();
    assertThat(run(ABC, "- {source_labels: [a], target_label: b, action: dropequal}"))
        .isEqualTo(ABC);
  }

  @Test
  void hashmodMatchesPrometheus() {
    // md5("baz") last 8 bytes mod 1000, as Prometheus' relabel tests expect.
    assertThat(run(ABC, "- {source_labels: [c], target_label: d, modulus: 1000, action: hashmod}"))
        .isEqualTo(ABC.with("d", "976"));
    assertThat(
            run(
                Labels.of("a", "foo\nbar"),
                "- {source_labels: [a], target_label: d, modulus: 1000, action: hashmod}"))
        .isEqualTo(Labels.of("a", "foo\nbar", "d", "734"));
  }

  @Test
  void labelSetActions() {
    Labels in = Labels.of("__meta_x", "1", "__meta_y", "2", "job", "j");
    assertThat(run(in, "- {regex: '__meta_(.+)', action: labelmap, replacement: 'm_$1'}"))
        .isEqualTo(in.with("m_x", "1").with("m_y", "2"));
    assertThat(run(in, "- {regex: '__meta_.*', action: labeldrop}"))
        .isEqualTo(Labels.of("job", "j"));
    assertThat(run(in, "- {regex: '__meta_.*', action: labelkeep}"))
        .isEqualTo(Labels.of("__meta_x", "1", "__meta_y", "2"));
    assertThat(run(in, "- {source_labels: [job], target_label: up, action: uppercase}"))
        .isEqualTo(in.with("up", "J"));
    assertThat(
            run(
                Labels.of("a", "MiX"),
                "- {source_labels: [a], target_label: a, action: lowercase}"))
        .isEqualTo(Labels.of("a", "mix"));
  }

  @Test
  void dotMatchesNewlineAndRegexIsAnchored() {
    assertThat(run(Labels.of("a", "x\ny"), "- {source_labels: [a], regex: 'x.y', action: keep}"))
        .isNotNull();
    assertThat(run(Labels.of("a", "xfoo"), "- {source_labels: [a], regex: 'foo', action: keep}"))
        .isNull();
  }

  @Test
  void expandFollowsGoRules() {
    var c = RelabelConfig.builder().regex("(?P<name>a)(b)").build();
    var m = c.pattern().matcher("ab");
    assertThat(m.matches()).isTrue();
    assertThat(Relabel.expand(c.pattern(), m, "$1x|${1}x|$$|$name|${2}|$3|${1", "ab"))
        .isEqualTo("|ax|$|a|b||${1");
  }

  @Test
  void parsingAppliesDefaultsAndValidation() {
    List<RelabelConfig> cs =
        RelabelConfigs.parse("- target_label: x\n  action: Replace\n  foo: ignored\n");
    RelabelConfig c = cs.get(0);
    assertThat(c.action()).isEqualTo(RelabelAction.REPLACE);
    assertThat(c.separator()).isEqualTo(";");
    assertThat(c.regex()).isEqualTo("(.*)");
    assertThat(c.replacement()).isEqualTo("$1");
    assertThat(RelabelConfigs.parse("")).isEmpty();

    assertThatThrownBy(() -> RelabelConfigs.parse("- {action: hashmod, target_label: x}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("non-zero modulus");
    assertThatThrownBy(() -> RelabelConfigs.parse("- {action: labeldrop, source_labels: [a]}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("requires only 'regex'");
    assertThatThrownBy(() -> RelabelConfigs.parse("- {action: replace}"))
        .hasMessageContaining("requires 'target_label'");
    assertThatThrownBy(() -> RelabelConfigs.parse("- {action: nope}"))
        .hasMessageContaining("unknown relabel action");
    assertThatThrownBy(() -> RelabelConfigs.parse("- {regex: '(', action: drop}"))
        .hasMessageContaining("invalid regex");
    assertThatThrownBy(
            () ->
                RelabelConfigs.parse(
                    "- {action: labelmap, regex: x}", RelabelConfigs.SELECTOR_ACTIONS, "selector"))
        .hasMessageContaining("unsupported relabel action: labelmap");
    assertThatThrownBy(() -> RelabelConfigs.parse("a: b")).hasMessageContaining("expected a list");
  }
}
