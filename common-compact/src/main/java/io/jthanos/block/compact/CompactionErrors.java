package io.jthanos.block.compact;

import java.util.IdentityHashMap;
import java.util.Map;

/** Classifies failures the way the compactor's loop reacts to them. */
public final class CompactionErrors {
  private CompactionErrors() {}

  /** Whether {@code t} is, wraps, or carries (suppressed) a {@link HaltException}. */
  public static boolean isHalt(Throwable t) {
    return find(t, HaltException.class, new IdentityHashMap<>()) != null;
  }

  /** Whether {@code t} is retriable: it wraps a {@link RetryException} and nothing halts. */
  public static boolean isRetry(Throwable t) {
    if (isHalt(t)) {
      return false;
    }
    if (t instanceof BucketCompactor.CompactionFailure f && f.getSuppressed().length > 0) {
      // Several groups failed: retriable only when every failure is.
      if (!isRetry(f.getCause())) {
        return false;
      }
      for (Throwable s : f.getSuppressed()) {
        if (!isRetry(s)) {
          return false;
        }
      }
      return true;
    }
    return find(t, RetryException.class, new IdentityHashMap<>()) != null;
  }

  /** The first {@code type} in {@code t}'s causes and suppressed exceptions, or null. */
  public static <T extends Throwable> T find(Throwable t, Class<T> type) {
    return find(t, type, new IdentityHashMap<>());
  }

  private static <T extends Throwable> T find(
      Throwable t, Class<T> type, Map<Throwable, Boolean> seen) {
    if (t == null || seen.put(t, Boolean.TRUE) != null) {
      return null;
    }
    if (type.isInstance(t)) {
      return type.cast(t);
    }
    for (Throwable s : t.getSuppressed()) {
      T f = find(s, type, seen);
      if (f != null) {
        return f;
      }
    }
    return find(t.getCause(), type, seen);
  }

  /** A retry wrapper, unless {@code t} already halts (Thanos' {@code retry(err)}). */
  public static RuntimeException retry(String message, Throwable t) {
    if (isHalt(t)) {
      return t instanceof RuntimeException r ? r : new HaltException(message, t);
    }
    return new RetryException(message + ": " + t.getMessage(), t);
  }
}
