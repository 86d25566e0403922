package io.jthanos.objstore;

import java.io.Closeable;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A pull iterator over object names: {@code while (it.next()) use(it.at());}. Pages are fetched
 * lazily as {@link #next()} is called; closing early stops fetching.
 */
public interface NameIterator extends Closeable {
  boolean next() throws IOException;

  String at();

  @Override
  default void close() throws IOException {}

  static NameIterator of(List<String> names) {
    Iterator<String> it = names.iterator();
    return new NameIterator() {
      private String cur;

      @Override
      public boolean next() {
        if (!it.hasNext()) {
          cur = null;
          return false;
        }
        cur = it.next();
        return true;
      }

      @Override
      public String at() {
        if (cur == null) {
          throw new NoSuchElementException();
        }
        return cur;
      }
    };
  }
}
