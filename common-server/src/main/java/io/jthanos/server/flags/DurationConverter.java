package io.jthanos.server.flags;

import io.jthanos.config.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;

/** Flag durations in Go or Prometheus form ({@code 2m}, {@code 1h30m}, {@code 2d}). */
public final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    return Durations.parse(value);
  }
}
