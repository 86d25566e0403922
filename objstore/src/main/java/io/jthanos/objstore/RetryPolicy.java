package io.jthanos.objstore;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How often and how patiently to retry transient failures: up to {@code maxAttempts} tries in all,
 * sleeping an exponentially growing, jittered delay between them (starting at {@code
 * initialBackoff}, capped at {@code maxBackoff}).
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
  private static final Logger LOG = LoggerFactory.getLogger(RetryPolicy.class);

  /** 10 attempts from 100ms up to 10s apart, as minio-go does for Thanos' S3 client. */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(10, Duration.ofMillis(100), Duration.ofSeconds(10));

  public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
    }
  }

  /** The DEFAULT policy with a different attempt count ({@code <= 0} keeps the default). */
  public static RetryPolicy ofAttempts(int attempts) {
    return attempts <= 0
        ? DEFAULT
        : new RetryPolicy(attempts, DEFAULT.initialBackoff, DEFAULT.maxBackoff);
  }

  /** Delay before attempt {@code attempt + 1} (attempt counts from 1): full jitter. */
  public Duration backoff(int attempt) {
    long base = initialBackoff.toNanos();
    if (base <= 0) {
      return Duration.ZERO;
    }
    long cap = Math.max(base, maxBackoff.toNanos());
    long exp = attempt >= 30 ? cap : Math.min(cap, base << Math.min(attempt - 1, 30));
    return Duration.ofNanos(exp / 2 + ThreadLocalRandom.current().nextLong(exp / 2 + 1));
  }

  /** An operation that may be tried more than once. */
  @FunctionalInterface
  public interface Attempt<T> {
    T run(int attempt) throws IOException;
  }

  /** Runs {@code op}, retrying transient failures ({@link Retries#isTransient}). */
  public <T> T call(String op, String object, Attempt<T> attemptFn) throws IOException {
    int attempt = 1;
    while (true) {
      try {
        return attemptFn.run(attempt);
      } catch (IOException | RuntimeException e) {
        if (attempt >= maxAttempts || !Retries.isTransient(e)) {
          throw e;
        }
        Duration wait = backoff(attempt);
        LOG.atDebug()
            .addKeyValue("operation", op)
            .addKeyValue("object", object)
            .addKeyValue("attempt", attempt)
            .addKeyValue("backoff", wait)
            .addKeyValue("err", e.toString())
            .log("retrying transient bucket failure");
        sleep(wait);
        attempt++;
      }
    }
  }

  /** Sleeps the backoff that follows failed attempt {@code attempt}. */
  public void pause(int attempt) throws InterruptedIOException {
    sleep(backoff(attempt));
  }

  private static void sleep(Duration d) throws InterruptedIOException {
    if (d.isZero()) {
      return;
    }
    try {
      Thread.sleep(d);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      InterruptedIOException e = new InterruptedIOException("interrupted while backing off");
      e.initCause(ie);
      throw e;
    }
  }
}
