package io.jthanos.block;

import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.ForwardingBucket;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A bucket wrapper that records writes and "kills the process" (throws {@link Crash}, an Error no
 * clean-up code catches) before the n-th upload, delete or get.
 */
final class CrashingBucket extends ForwardingBucket {
  /** The simulated process death. */
  static final class Crash extends Error {
    Crash(String where) {
      super("crash before " + where);
    }
  }

  final List<String> ops = Collections.synchronizedList(new ArrayList<>());
  private int uploadsLeft = Integer.MAX_VALUE;
  private int deletesLeft = Integer.MAX_VALUE;
  private int getsLeft = Integer.MAX_VALUE;

  CrashingBucket(Bucket delegate) {
    super(delegate);
  }

  CrashingBucket crashBeforeUpload(int n) {
    uploadsLeft = n;
    return this;
  }

  CrashingBucket crashBeforeDelete(int n) {
    deletesLeft = n;
    return this;
  }

  CrashingBucket crashBeforeGet(int n) {
    getsLeft = n;
    return this;
  }

  private synchronized void step(String op, String name) {
    int left =
        switch (op) {
          case "upload" -> --uploadsLeft;
          case "delete" -> --deletesLeft;
          default -> --getsLeft;
        };
    if (left <= 0) {
      throw new Crash(op + " " + name);
    }
    ops.add(op + " " + name);
  }

  @Override
  public void upload(String name, InputStream in, long length) throws IOException {
    step("upload", name);
    delegate.upload(name, in, length);
  }

  @Override
  public void upload(String name, Path file) throws IOException {
    step("upload", name);
    delegate.upload(name, file);
  }

  @Override
  public void delete(String name) throws IOException {
    step("delete", name);
    delegate.delete(name);
  }

  @Override
  public InputStream get(String name) throws IOException {
    step("get", name);
    return delegate.get(name);
  }

  @Override
  public void close() {}
}
