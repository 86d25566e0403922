package io.jthanos.store.cache;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.jthanos.config.ByteSize;

/** A byte size in a cache config: a number of bytes or a string such as {@code 250MB}. */
public record Bytes(long value) {
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static Bytes of(Object v) {
    if (v instanceof Number n) {
      if (n.longValue() < 0) {
        throw new IllegalArgumentException("byte size must not be negative: " + n);
      }
      return new Bytes(n.longValue());
    }
    return new Bytes(ByteSize.parse(String.valueOf(v)));
  }
}
