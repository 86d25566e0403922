package io.jthanos.block.relabel;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.List;
import java.util.Objects;

/**
 * One Prometheus {@code relabel_config}: {@code source_labels}, {@code separator} (default {@code
 * ;}), {@code regex} (default {@code (.*)}, fully anchored, RE2 syntax, {@code .} matching newlines
 * as in Prometheus 3), {@code modulus}, {@code target_label}, {@code replacement} (default {@code
 * $1}) and {@code action} (default {@code replace}). Immutable; the regex is compiled once.
 * Construct with {@link #builder()}; {@link #validate()} applies Prometheus' rules.
 */
public final class RelabelConfig {
  public static final String DEFAULT_SEPARATOR = ";";
  public static final String DEFAULT_REGEX = "(.*)";
  public static final String DEFAULT_REPLACEMENT = "$1";

  private static final Pattern RELABEL_TARGET =
      Pattern.compile("^(?:(?:[a-zA-Z_]|\\$(?:\\{\\w+\\}|\\w+))+\\w*)+$");

  private final List<String> sourceLabels;
  private final boolean sourceLabelsSet;
  private final String separator;
  private final String regex;
  private final Pattern pattern;
  private final long modulus;
  private final String targetLabel;
  private final String replacement;
  private final RelabelAction action;

  private RelabelConfig(Builder b) {
    this.sourceLabels = b.sourceLabels == null ? List.of() : List.copyOf(b.sourceLabels);
    this.sourceLabelsSet = b.sourceLabels != null;
    this.separator = b.separator;
    this.regex = b.regex;
    try {
      this.pattern = Pattern.compile("^(?s:" + b.regex + ")$");
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("invalid regex \"" + b.regex + "\": " + e.getMessage(), e);
    }
    this.modulus = b.modulus;
    this.targetLabel = b.targetLabel;
    this.replacement = b.replacement;
    this.action = b.action;
  }

  public static Builder builder() {
    return new Builder();
  }

  public List<String> sourceLabels() {
    return sourceLabels;
  }

  public String separator() {
    return separator;
  }

  /** The regex as configured (without the anchors). */
  public String regex() {
    return regex;
  }

  /** The anchored, compiled regex. */
  public Pattern pattern() {
    return pattern;
  }

  public long modulus() {
    return modulus;
  }

  public String targetLabel() {
    return targetLabel;
  }

  public String replacement() {
    return replacement;
  }

  public RelabelAction action() {
    return action;
  }

  /**
   * Prometheus' {@code Config.Validate}: required fields per action, valid target labels, and no
   * stray fields for the label-set actions.
   *
   * @throws IllegalArgumentException naming the problem
   */
  public RelabelConfig validate() {
    if (action == null) {
      throw new IllegalArgumentException("relabel action cannot be empty");
    }
    if (modulus == 0 && action == RelabelAction.HASHMOD) {
      throw new IllegalArgumentException(
          "relabel configuration for hashmod requires non-zero modulus");
    }
    boolean needsTarget =
        switch (action) {
          case REPLACE, HASHMOD, LOWERCASE, UPPERCASE, KEEPEQUAL, DROPEQUAL -> true;
          default -> false;
        };
    if (needsTarget && targetLabel.isEmpty()) {
      throw new IllegalArgumentException(
          "relabel configuration for " + action + " action requires 'target_label' value");
    }
    if (action == RelabelAction.REPLACE
        && !varInTemplate(targetLabel)
        && !validLabelName(targetLabel)) {
      throw invalidTarget();
    }
    if (action == RelabelAction.REPLACE
        && varInTemplate(targetLabel)
        && !RELABEL_TARGET.matches(targetLabel)) {
      throw invalidTarget();
    }
    if ((action == RelabelAction.LOWERCASE
            || action == RelabelAction.UPPERCASE
            || action == RelabelAction.KEEPEQUAL
            || action == RelabelAction.DROPEQUAL
            || action == RelabelAction.HASHMOD)
        && !validLabelName(targetLabel)) {
      throw invalidTarget();
    }
    if ((action == RelabelAction.LOWERCASE
            || action == RelabelAction.UPPERCASE
            || action == RelabelAction.KEEPEQUAL
            || action == RelabelAction.DROPEQUAL)
        && !replacement.equals(DEFAULT_REPLACEMENT)) {
      throw new IllegalArgumentException("'replacement' can not be set for " + action + " action");
    }
    if (action == RelabelAction.LABELMAP && !RELABEL_TARGET.matches(replacement)) {
      throw new IllegalArgumentException(
          "\"" + replacement + "\" is invalid 'replacement' for " + action + " action");
    }
    if ((action == RelabelAction.DROPEQUAL || action == RelabelAction.KEEPEQUAL)
        && (!regex.equals(DEFAULT_REGEX)
            || modulus != 0
            || !separator.equals(DEFAULT_SEPARATOR)
            || !replacement.equals(DEFAULT_REPLACEMENT))) {
      throw new IllegalArgumentException(
          action + " action requires only 'source_labels' and `target_label`, and no other fields");
    }
    if ((action == RelabelAction.LABELDROP || action == RelabelAction.LABELKEEP)
        && (sourceLabelsSet
            || !targetLabel.isEmpty()
            || modulus != 0
            || !separator.equals(DEFAULT_SEPARATOR)
            || !replacement.equals(DEFAULT_REPLACEMENT))) {
      throw new IllegalArgumentException(
          action + " action requires only 'regex', and no other fields");
    }
    return this;
  }

  private IllegalArgumentException invalidTarget() {
    return new IllegalArgumentException(
        "\"" + targetLabel + "\" is invalid 'target_label' for " + action + " action");
  }

  static boolean varInTemplate(String s) {
    return s.contains("$");
  }

  /** Label names: any non-empty UTF-8 string, as Prometheus 3's UTF-8 validation scheme. */
  static boolean validLabelName(String s) {
    return !s.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RelabelConfig c
        && sourceLabels.equals(c.sourceLabels)
        && separator.equals(c.separator)
        && regex.equals(c.regex)
        && modulus == c.modulus
        && targetLabel.equals(c.targetLabel)
        && replacement.equals(c.replacement)
        && action == c.action;
  }

  @Override
  public int hashCode() {
    return Objects.hash(sourceLabels, separator, regex, modulus, targetLabel, replacement, action);
  }

  @Override
  public String toString() {
    return "RelabelConfig{source_labels="
        + sourceLabels
        + ", separator="
        + separator
        + ", regex="
        + regex
        + ", modulus="
        + modulus
        + ", target_label="
        + targetLabel
        + ", replacement="
        + replacement
        + ", action="
        + action
        + "}";
  }

  /** Builds a config with Prometheus' defaults for everything not set. */
  public static final class Builder {
    private List<String> sourceLabels;
    private String separator = DEFAULT_SEPARATOR;
    private String regex = DEFAULT_REGEX;
    private long modulus;
    private String targetLabel = "";
    private String replacement = DEFAULT_REPLACEMENT;
    private RelabelAction action = RelabelAction.REPLACE;

    public Builder sourceLabels(String... names) {
      this.sourceLabels = List.of(names);
      return this;
    }

    public Builder sourceLabels(List<String> names) {
      this.sourceLabels = names;
      return this;
    }

    public Builder separator(String s) {
      this.separator = s;
      return this;
    }

    public Builder regex(String r) {
      this.regex = r;
      return this;
    }

    public Builder modulus(long m) {
      this.modulus = m;
      return this;
    }

    public Builder targetLabel(String t) {
      this.targetLabel = t;
      return this;
    }

    public Builder replacement(String r) {
      this.replacement = r;
      return this;
    }

    public Builder action(RelabelAction a) {
      this.action = a;
      return this;
    }

    /** Compiles the regex (not validated: call {@link RelabelConfig#validate()}). */
    public RelabelConfig build() {
      return new RelabelConfig(this);
    }
  }
}
