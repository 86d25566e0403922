package io.jthanos.block.indexheader;

import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.ForwardingBucket;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Records the reads made through it. */
final class CountingBucket extends ForwardingBucket {
  record Read(String name, long offset, long length) {}

  final List<Read> ranges = Collections.synchronizedList(new ArrayList<>());
  final List<String> gets = Collections.synchronizedList(new ArrayList<>());
  final AtomicLong rangeBytes = new AtomicLong();

  CountingBucket(Bucket delegate) {
    super(delegate);
  }

  @Override
  public InputStream get(String name) throws IOException {
    gets.add(name);
    return super.get(name);
  }

  @Override
  public InputStream getRange(String name, long offset, long length) throws IOException {
    ranges.add(new Read(name, offset, length));
    rangeBytes.addAndGet(length);
    return super.getRange(name, offset, length);
  }

  void reset() {
    ranges.clear();
    gets.clear();
    rangeBytes.set(0);
  }
}
