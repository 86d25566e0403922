package io.jthanos.objstore.gcs;

import com.google.api.gax.paging.Page;
import com.google.cloud.ReadChannel;
import com.google.cloud.WriteChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.BucketAccessDeniedException;
import io.jthanos.objstore.BucketException;
import io.jthanos.objstore.NameIterator;
import io.jthanos.objstore.ObjectAttributes;
import io.jthanos.objstore.ObjectName;
import io.jthanos.objstore.ObjectNotFoundException;
import io.jthanos.objstore.Retries;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A bucket in Google Cloud Storage. Objects below the chunk size go up in one request; larger ones
 * in a resumable upload of {@code chunk_size_bytes} chunks, which becomes visible only when the
 * last chunk is in (an abandoned session expires after a week, leaving nothing).
 */
final class GcsBucket implements Bucket {
  static final int DEFAULT_CHUNK = 16 << 20;

  private final Storage storage;
  private final String bucket;
  private final int chunk;

  GcsBucket(Storage storage, String bucket, int chunk) {
    this.storage = storage;
    this.bucket = bucket;
    this.chunk = chunk;
  }

  static IOException map(Throwable e, String op, String object) {
    String what = op + (object == null ? "" : " " + object);
    StorageException se = BucketException.find(e, StorageException.class);
    if (se != null) {
      int st = se.getCode();
      if (st == 404 && object != null) {
        return new ObjectNotFoundException(object, e);
      }
      if (st == 401 || st == 403) {
        return new BucketAccessDeniedException(
            "gcs " + what + ": " + st + " " + se.getMessage(), st, e);
      }
      if (st > 0) {
        return BucketException.ofStatus("gcs " + what + ": " + st + " " + se.getMessage(), st, e);
      }
    }
    return new BucketException("gcs " + what + ": " + e, -1, Retries.isTransient(e), e);
  }

  private BlobId id(String name) {
    return BlobId.of(bucket, name);
  }

  @Override
  public NameIterator iter(String dir, boolean recursive) throws IOException {
    String prefix = ObjectName.dirPrefix(dir);
    List<Storage.BlobListOption> opts = new ArrayList<>();
    opts.add(Storage.BlobListOption.prefix(prefix));
    opts.add(Storage.BlobListOption.pageSize(1000));
    if (!recursive) {
      opts.add(Storage.BlobListOption.currentDirectory());
    }
    Page<Blob> first;
    try {
      first = storage.list(bucket, opts.toArray(new Storage.BlobListOption[0]));
    } catch (RuntimeException e) {
      throw map(e, "iter", null);
    }
    return new NameIterator() {
      private Page<Blob> page = first;
      private boolean consumed;
      private final ArrayDeque<String> buf = new ArrayDeque<>();
      private String cur;

      @Override
      public boolean next() throws IOException {
        try {
          while (buf.isEmpty()) {
            if (consumed) {
              if (page == null || !page.hasNextPage()) {
                cur = null;
                return false;
              }
              page = page.getNextPage();
            }
            consumed = true;
            List<String> names = new ArrayList<>();
            for (Blob b : page.getValues()) {
              if (!b.getName().equals(prefix) && !b.getName().isEmpty()) {
                names.add(b.getName());
              }
            }
            names.sort(ObjectName.ORDER);
            buf.addAll(names);
          }
        } catch (RuntimeException e) {
          throw map(e, "iter", null);
        }
        cur = buf.poll();
        return true;
      }

      @Override
      public String at() {
        return cur;
      }
    };
  }

  @Override
  public InputStream get(String name) throws IOException {
    return getRange(name, 0, -1);
  }

  @Override
  public InputStream getRange(String name, long offset, long length) throws IOException {
    ObjectName.checkRange(offset, length);
    if (length == 0) {
      attributes(name);
      return InputStream.nullInputStream();
    }
    ReadChannel ch;
    try {
      ch = storage.reader(id(name));
      ch.setChunkSize(0);
      if (offset > 0) {
        ch.seek(offset);
      }
      if (length > 0) {
        ch.limit(offset + length);
      }
    } catch (IOException | RuntimeException e) {
      throw map(e, "get", name);
    }
    ChannelStream s = new ChannelStream(ch, name);
    try {
      s.prefetch();
    } catch (IOException e) {
      s.close();
      if (e instanceof BucketException be && be.status() == 416) {
        return InputStream.nullInputStream();
      }
      throw e;
    }
    return s;
  }

  /** Reads the first bytes at open, so that a missing object fails the open, not the read. */
  private static final class ChannelStream extends InputStream {
    private final ReadChannel ch;
    private final String name;
    private final ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
    private boolean eof;

    ChannelStream(ReadChannel ch, String name) {
      this.ch = ch;
      this.name = name;
      buf.flip();
    }

    void prefetch() throws IOException {
      fill();
    }

    private boolean fill() throws IOException {
      while (!buf.hasRemaining()) {
        if (eof) {
          return false;
        }
        buf.clear();
        int n;
        try {
          n = ch.read(buf);
        } catch (IOException | RuntimeException e) {
          buf.flip();
          throw map(e, "get", name);
        }
        buf.flip();
        if (n < 0) {
          eof = true;
          return false;
        }
      }
      return true;
    }

    @Override
    public int read() throws IOException {
      return fill() ? buf.get() & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (!fill()) {
        return -1;
      }
      int n = Math.min(len, buf.remaining());
      buf.get(b, off, n);
      return n;
    }

    @Override
    public void close() {
      ch.close();
    }
  }

  @Override
  public boolean exists(String name) throws IOException {
    try {
      return storage.get(id(name), Storage.BlobGetOption.fields(Storage.BlobField.NAME)) != null;
    } catch (RuntimeException e) {
      throw map(e, "exists", name);
    }
  }

  @Override
  public ObjectAttributes attributes(String name) throws IOException {
    Blob b;
    try {
      b = storage.get(id(name));
    } catch (RuntimeException e) {
      throw map(e, "attributes", name);
    }
    if (b == null) {
      throw new ObjectNotFoundException(name, null);
    }
    return new ObjectAttributes(b.getSize(), b.getUpdateTimeOffsetDateTime().toInstant());
  }

  private BlobInfo info(String name) {
    return BlobInfo.newBuilder(id(name)).setContentType("application/octet-stream").build();
  }

  @Override
  public void upload(String name, InputStream in, long length) throws IOException {
    ObjectName.validate(name);
    if (length >= 0 && length < chunk) {
      byte[] data = in.readNBytes((int) length);
      if (data.length != length) {
        throw new BucketException(
            "upload " + name + ": stream gave " + data.length + " bytes, expected " + length, null);
      }
      createSmall(name, data);
      return;
    }
    byte[] first = in.readNBytes(chunk);
    if (first.length < chunk && length < 0) {
      createSmall(name, first);
      return;
    }
    long total = first.length;
    WriteChannel w;
    try {
      w = storage.writer(info(name));
      w.setChunkSize(chunk);
    } catch (RuntimeException e) {
      throw map(e, "upload", name);
    }
    // On any failure below the channel is not closed, so the session is never finalized and
    // nothing becomes visible; the service drops unfinished sessions after a week.
    write(w, first, first.length, name);
    byte[] buf = new byte[1 << 20];
    int n;
    while ((n = in.read(buf)) > 0) {
      write(w, buf, n, name);
      total += n;
    }
    if (length >= 0 && total != length) {
      throw new BucketException(
          "upload " + name + ": stream gave " + total + " bytes, expected " + length, null);
    }
    try {
      w.close();
    } catch (IOException | RuntimeException e) {
      throw map(e, "upload", name);
    }
  }

  private static void write(WriteChannel w, byte[] b, int n, String name) throws IOException {
    ByteBuffer bb = ByteBuffer.wrap(b, 0, n);
    try {
      while (bb.hasRemaining()) {
        w.write(bb);
      }
    } catch (IOException | RuntimeException e) {
      throw map(e, "upload", name);
    }
  }

  private void createSmall(String name, byte[] data) throws IOException {
    try {
      storage.create(info(name), data);
    } catch (RuntimeException e) {
      throw map(e, "upload", name);
    }
  }

  @Override
  public void upload(String name, Path file) throws IOException {
    ObjectName.validate(name);
    long size = Files.size(file);
    if (size < chunk) {
      createSmall(name, Files.readAllBytes(file));
      return;
    }
    try {
      storage.createFrom(info(name), file, chunk);
    } catch (IOException | RuntimeException e) {
      throw map(e, "upload", name);
    }
  }

  @Override
  public void delete(String name) throws IOException {
    boolean deleted;
    try {
      deleted = storage.delete(id(name));
    } catch (RuntimeException e) {
      throw map(e, "delete", name);
    }
    if (!deleted) {
      throw new ObjectNotFoundException(name, null);
    }
  }

  @Override
  public String name() {
    return bucket;
  }

  @Override
  public void close() throws IOException {
    try {
      storage.close();
    } catch (Exception e) {
      throw new IOException("closing gcs client", e);
    }
  }

  @Override
  public String toString() {
    return "gcs(" + bucket + ")";
  }
}
