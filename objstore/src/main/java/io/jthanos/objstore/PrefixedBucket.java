package io.jthanos.objstore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Confines a bucket to the objects under a prefix, as the config's {@code prefix:} key does: names
 * seen through it are relative to the prefix.
 */
public final class PrefixedBucket implements Bucket {
  private final Bucket delegate;
  private final String prefix; // ends with "/"

  public PrefixedBucket(Bucket delegate, String prefix) {
    String p = prefix == null ? "" : prefix.strip();
    while (p.startsWith(ObjectName.DELIM)) {
      p = p.substring(1);
    }
    p = ObjectName.dirPrefix(p);
    if (p.isEmpty()) {
      throw new IllegalArgumentException("empty prefix");
    }
    ObjectName.validate(p.substring(0, p.length() - 1));
    this.delegate = delegate;
    this.prefix = p;
  }

  /** Wraps only when the prefix is not empty. */
  public static Bucket wrap(Bucket b, String prefix) {
    String p = prefix == null ? "" : prefix.strip();
    while (p.startsWith(ObjectName.DELIM) || p.endsWith(ObjectName.DELIM)) {
      p = p.startsWith(ObjectName.DELIM) ? p.substring(1) : p.substring(0, p.length() - 1);
    }
    return p.isEmpty() ? b : new PrefixedBucket(b, p);
  }

  public String prefix() {
    return prefix;
  }

  private String full(String name) {
    return prefix + name;
  }

  @Override
  public NameIterator iter(String dir, boolean recursive) throws IOException {
    NameIterator it = delegate.iter(prefix + ObjectName.dirPrefix(dir), recursive);
    return new NameIterator() {
      private String cur;

      @Override
      public boolean next() throws IOException {
        while (it.next()) {
          String n = it.at();
          if (n.startsWith(prefix) && n.length() > prefix.length()) {
            cur = n.substring(prefix.length());
            return true;
          }
        }
        return false;
      }

      @Override
      public String at() {
        return cur;
      }

      @Override
      public void close() throws IOException {
        it.close();
      }
    };
  }

  @Override
  public InputStream get(String name) throws IOException {
    return delegate.get(full(name));
  }

  @Override
  public InputStream getRange(String name, long offset, long length) throws IOException {
    return delegate.getRange(full(name), offset, length);
  }

  @Override
  public boolean exists(String name) throws IOException {
    return delegate.exists(full(name));
  }

  @Override
  public ObjectAttributes attributes(String name) throws IOException {
    return delegate.attributes(full(name));
  }

  @Override
  public void upload(String name, InputStream in, long length) throws IOException {
    ObjectName.validate(name);
    delegate.upload(full(name), in, length);
  }

  @Override
  public void upload(String name, Path file) throws IOException {
    ObjectName.validate(name);
    delegate.upload(full(name), file);
  }

  @Override
  public void delete(String name) throws IOException {
    delegate.delete(full(name));
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
    return "prefixed(" + delegate + ", " + prefix + ")";
  }
}
