package io.jthanos.objstore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/** A bucket that forwards every call; extend it to change a few. */
public class ForwardingBucket implements Bucket {
  protected final Bucket delegate;

  public ForwardingBucket(Bucket delegate) {
    this.delegate = delegate;
  }

  @Override
  public NameIterator iter(String dir, boolean recursive) throws IOException {
    return delegate.iter(dir, recursive);
  }

  @Override
  public InputStream get(String name) throws IOException {
    return delegate.get(name);
  }

  @Override
  public InputStream getRange(String name, long offset, long length) throws IOException {
    return delegate.getRange(name, offset, length);
  }

  @Override
  public boolean exists(String name) throws IOException {
    return delegate.exists(name);
  }

  @Override
  public ObjectAttributes attributes(String name) throws IOException {
    return delegate.attributes(name);
  }

  @Override
  public void upload(String name, InputStream in, long length) throws IOException {
    delegate.upload(name, in, length);
  }

  @Override
  public void upload(String name, Path file) throws IOException {
    delegate.upload(name, file);
  }

  @Override
  public void delete(String name) throws IOException {
    delegate.delete(name);
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
}
