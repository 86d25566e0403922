package io.jthanos.objstore;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Retries transient failures (5xx, throttling, timeouts, dropped connections; never other 4xx) with
 * jittered exponential backoff. Calls that open a stream are retried; reading the stream is not.
 * Listings resume after the last name returned. Uploads are retried when the data can be read
 * again: a {@link Path}, or a markable stream of at most 16 MiB; larger streams rely on the
 * provider retrying each part.
 */
public final class RetryingBucket implements Bucket {
  static final long MAX_MARK = 16L << 20;

  private final Bucket delegate;
  private final RetryPolicy policy;

  public RetryingBucket(Bucket delegate, RetryPolicy policy) {
    this.delegate = delegate;
    this.policy = policy;
  }

  public RetryPolicy policy() {
    return policy;
  }

  @Override
  public NameIterator iter(String dir, boolean recursive) throws IOException {
    return new ResumingIterator(dir, recursive);
  }

  private final class ResumingIterator implements NameIterator {
    private final String dir;
    private final boolean recursive;
    private NameIterator cur;
    private String last;

    ResumingIterator(String dir, boolean recursive) throws IOException {
      this.dir = dir;
      this.recursive = recursive;
      this.cur = policy.call("iter", dir, a -> delegate.iter(dir, recursive));
    }

    @Override
    public boolean next() throws IOException {
      int attempt = 1;
      while (true) {
        try {
          while (cur.next()) {
            String n = cur.at();
            if (last == null || ObjectName.ORDER.compare(n, last) > 0) {
              last = n;
              return true;
            }
          }
          return false;
        } catch (IOException | RuntimeException e) {
          if (attempt >= policy.maxAttempts() || !Retries.isTransient(e)) {
            throw e;
          }
          policy.pause(attempt);
          attempt++;
          try {
            cur.close();
          } catch (IOException ignored) {
            // The listing already failed; a new one resumes after the last name returned.
          }
          cur = policy.call("iter", dir, x -> delegate.iter(dir, recursive));
        }
      }
    }

    @Override
    public String at() {
      return last;
    }

    @Override
    public void close() throws IOException {
      cur.close();
    }
  }

  @Override
  public InputStream get(String name) throws IOException {
    return policy.call("get", name, a -> delegate.get(name));
  }

  @Override
  public InputStream getRange(String name, long offset, long length) throws IOException {
    return policy.call("get_range", name, a -> delegate.getRange(name, offset, length));
  }

  @Override
  public boolean exists(String name) throws IOException {
    return policy.call("exists", name, a -> delegate.exists(name));
  }

  @Override
  public ObjectAttributes attributes(String name) throws IOException {
    return policy.call("attributes", name, a -> delegate.attributes(name));
  }

  @Override
  public void upload(String name, InputStream in, long length) throws IOException {
    boolean replayable =
        in instanceof ByteArrayInputStream
            || (in.markSupported() && length >= 0 && length <= MAX_MARK);
    if (!replayable) {
      delegate.upload(name, in, length);
      return;
    }
    in.mark((int) Math.min(Integer.MAX_VALUE, Math.max(length, 0) + 1));
    policy.call(
        "upload",
        name,
        a -> {
          if (a > 1) {
            in.reset();
          }
          delegate.upload(name, in, length);
          return null;
        });
  }

  @Override
  public void upload(String name, Path file) throws IOException {
    policy.call(
        "upload",
        name,
        a -> {
          delegate.upload(name, file);
          return null;
        });
  }

  @Override
  public void delete(String name) throws IOException {
    policy.call(
        "delete",
        name,
        a -> {
          try {
            delegate.delete(name);
          } catch (ObjectNotFoundException e) {
            // An earlier attempt may have deleted it before its answer was lost.
            if (a == 1) {
              throw e;
            }
          }
          return null;
        });
  }

  @Override
  public boolean isObjNotFound(Throwable t) {
    return delegate.isObjNotFound(t);
  }

  @Override
  public boolean isAccessDenied(Throwable t) {
    return delegate.isAccessDenied(t);
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }

  @Override
  public String toString() {
    return "retrying(" + delegate + ", attempts=" + policy.maxAttempts() + ")";
  }
}
