package io.jthanos.objstore.testing;

import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.NameIterator;
import io.jthanos.objstore.ObjectAttributes;
import io.jthanos.objstore.ObjectName;
import io.jthanos.objstore.ObjectNotFoundException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/** A bucket in memory for tests (not a config type). Thread-safe; listing order as real stores. */
public final class InMemoryBucket implements Bucket {
  private record Obj(byte[] data, Instant modified) {}

  private final ConcurrentSkipListMap<String, Obj> objects =
      new ConcurrentSkipListMap<>(ObjectName.ORDER);
  private final String name;
  private final Clock clock;

  public InMemoryBucket() {
    this("inmem", Clock.systemUTC());
  }

  public InMemoryBucket(String name, Clock clock) {
    this.name = name;
    this.clock = clock;
  }

  /** A snapshot of the objects, for assertions. */
  public Map<String, byte[]> objects() {
    Map<String, byte[]> m = new ConcurrentSkipListMap<>(ObjectName.ORDER);
    objects.forEach((k, v) -> m.put(k, v.data));
    return m;
  }

  @Override
  public NameIterator iter(String dir, boolean recursive) {
    String prefix = ObjectName.dirPrefix(dir);
    List<String> out = new ArrayList<>();
    String lastDir = null;
    for (String k : objects.tailMap(prefix, true).keySet()) {
      if (!k.startsWith(prefix)) {
        break;
      }
      if (recursive) {
        out.add(k);
        continue;
      }
      int slash = k.indexOf('/', prefix.length());
      if (slash < 0) {
        out.add(k);
      } else {
        String d = k.substring(0, slash + 1);
        if (!d.equals(lastDir)) {
          out.add(d);
          lastDir = d;
        }
      }
    }
    out.sort(ObjectName.ORDER);
    return NameIterator.of(out);
  }

  private Obj obj(String n) throws ObjectNotFoundException {
    Obj o = objects.get(n);
    if (o == null) {
      throw new ObjectNotFoundException(n, null);
    }
    return o;
  }

  @Override
  public InputStream get(String n) throws IOException {
    return new ByteArrayInputStream(obj(n).data);
  }

  @Override
  public InputStream getRange(String n, long offset, long length) throws IOException {
    ObjectName.checkRange(offset, length);
    byte[] d = obj(n).data;
    int from = (int) Math.min(offset, d.length);
    int to = length == -1 ? d.length : (int) Math.min(d.length, from + length);
    return new ByteArrayInputStream(d, from, to - from);
  }

  @Override
  public boolean exists(String n) {
    return objects.containsKey(n);
  }

  @Override
  public ObjectAttributes attributes(String n) throws IOException {
    Obj o = obj(n);
    return new ObjectAttributes(o.data.length, o.modified);
  }

  @Override
  public void upload(String n, InputStream in, long length) throws IOException {
    ObjectName.validate(n);
    byte[] d = in.readAllBytes();
    if (length >= 0 && d.length != length) {
      throw new IOException("upload " + n + ": got " + d.length + " bytes, expected " + length);
    }
    objects.put(n, new Obj(d, clock.instant()));
  }

  @Override
  public void delete(String n) throws IOException {
    if (objects.remove(n) == null) {
      throw new ObjectNotFoundException(n, null);
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void close() {}
}
