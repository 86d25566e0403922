package io.jthanos.rules;

import java.time.Duration;
import java.util.Map;

/**
 * One rule: a recording rule ({@link #record()} set) or an alerting rule ({@link #alert()} set).
 *
 * @param forDuration alert pending time ({@code for}), zero when absent
 * @param keepFiringFor {@code keep_firing_for}, zero when absent
 * @param position where the record name starts ({@link Position#ABSENT} without one)
 * @param exprPosition where the expression value starts ({@link Position#ABSENT} without one)
 * @param alertPosition where the alert name starts ({@link Position#ABSENT} without one)
 */
public record Rule(
    String record,
    String alert,
    String expr,
    Duration forDuration,
    Duration keepFiringFor,
    Map<String, String> labels,
    Map<String, String> annotations,
    Position position,
    Position exprPosition,
    Position alertPosition) {
  public Rule {
    record = record == null ? "" : record;
    alert = alert == null ? "" : alert;
    expr = expr == null ? "" : expr;
    forDuration = forDuration == null ? Duration.ZERO : forDuration;
    keepFiringFor = keepFiringFor == null ? Duration.ZERO : keepFiringFor;
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
  }

  public boolean isAlert() {
    return !alert.isEmpty();
  }

  /** The alert or record name. */
  public String name() {
    return isAlert() ? alert : record;
  }
}
