package io.jthanos.promql.value;

import io.jthanos.tsdb.labels.Labels;

/** One element of an instant vector. */
public record Sample(Labels labels, long timestamp, double value) {}
