package io.jthanos.block.fetcher;

import io.jthanos.block.Blocks;
import io.jthanos.block.metadata.Marker;
import io.jthanos.block.metadata.MarkerFormatException;
import io.jthanos.block.metadata.MarkerType;
import io.jthanos.objstore.BucketReader;
import io.jthanos.tsdb.block.Ulid;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one kind of marker for many blocks in parallel. Markers that cannot be decoded (partial
 * uploads) are skipped with a warning, as Thanos does; other errors fail the scan after every block
 * was tried.
 */
final class MarkerScan {
  private static final Logger LOG = LoggerFactory.getLogger(MarkerScan.class);

  private MarkerScan() {}

  static Map<Ulid, Marker> read(
      BucketReader bkt, Collection<Ulid> ids, MarkerType type, int concurrency) throws IOException {
    Map<Ulid, Marker> out = new ConcurrentHashMap<>();
    List<Exception> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    Semaphore sem = new Semaphore(Math.max(1, concurrency));
    List<Future<?>> fs = new ArrayList<>();
    try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
      for (Ulid id : List.copyOf(ids)) {
        sem.acquire();
        fs.add(
            ex.submit(
                () -> {
                  try {
                    Optional<Marker> m = Blocks.readMarker(bkt, id, type);
                    m.ifPresent(x -> out.put(id, x));
                  } catch (MarkerFormatException e) {
                    LOG.atWarn()
                        .addKeyValue("block", id)
                        .addKeyValue("err", e.getMessage())
                        .log(
                            "found partial "
                                + type.fileName()
                                + "; if we will see it happening often for the same block,"
                                + " consider manually deleting "
                                + type.fileName()
                                + " from the object storage");
                  } catch (IOException | RuntimeException e) {
                    errors.add(e);
                  } finally {
                    sem.release();
                  }
                }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading markers");
    } catch (ExecutionException e) {
      throw new IOException(e.getCause());
    }
    if (!errors.isEmpty()) {
      Exception last = errors.get(errors.size() - 1);
      IOException err = new IOException("read " + type.fileName() + ": " + last.getMessage(), last);
      throw err;
    }
    return out;
  }
}
