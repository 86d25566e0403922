package io.jthanos.objstore;

import io.micrometer.core.instrument.MeterRegistry;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Records Thanos' {@code thanos_objstore_bucket_*} metrics ({@link BucketMetrics}) for every
 * operation. Reads are timed until their stream is closed and count the bytes actually read.
 * Failures the caller expects (by default: not-found) and interruptions are not counted as
 * failures.
 */
public final class InstrumentedBucket implements Bucket {
  private final Bucket delegate;
  private final BucketMetrics m;
  private final Predicate<Throwable> expected;

  public InstrumentedBucket(Bucket delegate, MeterRegistry registry) {
    this(delegate, BucketMetrics.of(registry, delegate.name()), null);
  }

  private InstrumentedBucket(Bucket delegate, BucketMetrics m, Predicate<Throwable> expected) {
    this.delegate = delegate;
    this.m = m;
    this.expected = expected != null ? expected : delegate::isObjNotFound;
  }

  /** A view whose failures matching {@code expectedErrors} are not counted as failures. */
  public InstrumentedBucket withExpectedErrors(Predicate<Throwable> expectedErrors) {
    return new InstrumentedBucket(delegate, m, expectedErrors.or(delegate::isObjNotFound));
  }

  private void failed(String op, Throwable e) {
    if (!expected.test(e) && !(e instanceof InterruptedIOException)) {
      m.failures.get(op).increment();
    }
  }

  private void done(String op, long startNanos) {
    m.duration.get(op).record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public NameIterator iter(String dir, boolean recursive) throws IOException {
    m.ops.get(BucketMetrics.OP_ITER).increment();
    long start = System.nanoTime();
    NameIterator it;
    try {
      it = delegate.iter(dir, recursive);
    } catch (IOException | RuntimeException e) {
      failed(BucketMetrics.OP_ITER, e);
      done(BucketMetrics.OP_ITER, start);
      throw e;
    }
    return new NameIterator() {
      private boolean finished;

      @Override
      public boolean next() throws IOException {
        try {
          boolean more = it.next();
          if (!more) {
            finish();
          }
          return more;
        } catch (IOException | RuntimeException e) {
          if (!finished) {
            failed(BucketMetrics.OP_ITER, e);
            finish();
          }
          throw e;
        }
      }

      private void finish() {
        if (!finished) {
          finished = true;
          done(BucketMetrics.OP_ITER, start);
        }
      }

      @Override
      public String at() {
        return it.at();
      }

      @Override
      public void close() throws IOException {
        finish();
        it.close();
      }
    };
  }

  @Override
  public InputStream get(String name) throws IOException {
    return read(BucketMetrics.OP_GET, () -> delegate.get(name));
  }

  @Override
  public InputStream getRange(String name, long offset, long length) throws IOException {
    return read(BucketMetrics.OP_GET_RANGE, () -> delegate.getRange(name, offset, length));
  }

  private interface Opener {
    InputStream open() throws IOException;
  }

  private InputStream read(String op, Opener opener) throws IOException {
    m.ops.get(op).increment();
    long start = System.nanoTime();
    InputStream in;
    try {
      in = opener.open();
    } catch (IOException | RuntimeException e) {
      failed(op, e);
      done(op, start);
      throw e;
    }
    return new TimingStream(in, op, start);
  }

  private final class TimingStream extends FilterInputStream {
    private final String op;
    private final long start;
    private long bytes;
    private boolean reported;

    TimingStream(InputStream in, String op, long start) {
      super(in);
      this.op = op;
      this.start = start;
    }

    private int count(int n) {
      if (n > 0) {
        bytes += n;
        m.fetched.get(op).increment(n);
      }
      return n;
    }

    private IOException fail(IOException e) {
      if (!reported) {
        reported = true;
        failed(op, e);
      }
      return e;
    }

    @Override
    public int read() throws IOException {
      try {
        int b = in.read();
        if (b >= 0) {
          count(1);
        }
        return b;
      } catch (IOException e) {
        throw fail(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return count(in.read(b, off, len));
      } catch (IOException e) {
        throw fail(e);
      }
    }

    @Override
    public long skip(long n) throws IOException {
      try {
        return in.skip(n);
      } catch (IOException e) {
        throw fail(e);
      }
    }

    @Override
    public void close() throws IOException {
      try {
        in.close();
      } catch (IOException e) {
        throw fail(e);
      } finally {
        if (!reported) {
          reported = true;
          done(op, start);
          m.transferred.get(op).record(bytes);
        }
      }
    }
  }

  @Override
  public boolean exists(String name) throws IOException {
    String op = BucketMetrics.OP_EXISTS;
    m.ops.get(op).increment();
    long start = System.nanoTime();
    try {
      boolean r = delegate.exists(name);
      done(op, start);
      return r;
    } catch (IOException | RuntimeException e) {
      failed(op, e);
      throw e;
    }
  }

  @Override
  public ObjectAttributes attributes(String name) throws IOException {
    String op = BucketMetrics.OP_ATTRIBUTES;
    m.ops.get(op).increment();
    long start = System.nanoTime();
    try {
      ObjectAttributes r = delegate.attributes(name);
      done(op, start);
      return r;
    } catch (IOException | RuntimeException e) {
      failed(op, e);
      throw e;
    }
  }

  @Override
  public void upload(String name, InputStream in, long length) throws IOException {
    String op = BucketMetrics.OP_UPLOAD;
    m.ops.get(op).increment();
    long start = System.nanoTime();
    long[] read = new long[1];
    InputStream counting =
        new FilterInputStream(in) {
          @Override
          public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
              read[0]++;
            }
            return b;
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
              read[0] += n;
            }
            return n;
          }

          @Override
          public synchronized void reset() throws IOException {
            super.reset();
            read[0] = 0;
          }

          @Override
          public void close() {
            // The caller owns the stream.
          }
        };
    try {
      delegate.upload(name, counting, length);
    } catch (IOException | RuntimeException e) {
      failed(op, e);
      throw e;
    }
    uploaded(op, start, read[0]);
  }

  @Override
  public void upload(String name, Path file) throws IOException {
    String op = BucketMetrics.OP_UPLOAD;
    m.ops.get(op).increment();
    long start = System.nanoTime();
    try {
      delegate.upload(name, file);
    } catch (IOException | RuntimeException e) {
      failed(op, e);
      throw e;
    }
    uploaded(op, start, Files.size(file));
  }

  private void uploaded(String op, long start, long bytes) {
    done(op, start);
    m.transferred.get(op).record(bytes);
    m.lastUploadMillis.set(System.currentTimeMillis());
  }

  @Override
  public void delete(String name) throws IOException {
    String op = BucketMetrics.OP_DELETE;
    m.ops.get(op).increment();
    long start = System.nanoTime();
    try {
      delegate.delete(name);
      done(op, start);
    } catch (IOException | RuntimeException e) {
      failed(op, e);
      throw e;
    }
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
    return "instrumented(" + delegate + ")";
  }
}
