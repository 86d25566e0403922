package io.jthanos.objstore.azure;

import com.azure.core.http.rest.PagedResponse;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerAsyncClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.DeleteSnapshotsOptionType;
import com.azure.storage.blob.models.DownloadRetryOptions;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.models.ParallelTransferOptions;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import com.azure.storage.blob.options.BlobUploadFromFileOptions;
import com.azure.storage.blob.specialized.BlobAsyncClientBase;
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
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A container in Azure Blob Storage. Uploads stage 3 MiB blocks, 4 at a time, and commit the block
 * list at the end (as Thanos), so nothing is visible until the whole object is; blocks of an upload
 * that died are never committed and the service drops them after a week. Reads stream one GET; a
 * body cut short is resumed up to {@code reader_config.max_retry_requests} times.
 */
final class AzureBucket implements Bucket {
  static final long BLOCK_SIZE = 3L << 20;
  static final int CONCURRENCY = 4;

  private final BlobContainerClient container;
  private final BlobContainerAsyncClient async;
  private final int readerRetries;

  AzureBucket(BlobContainerClient container, BlobContainerAsyncClient async, int readerRetries) {
    this.container = container;
    this.async = async;
    this.readerRetries = readerRetries;
  }

  void createContainerIfMissing() throws IOException {
    try {
      container.createIfNotExists();
    } catch (RuntimeException e) {
      throw map(e, "create container", null);
    }
  }

  static IOException map(Throwable e, String op, String object) {
    String what = op + (object == null ? "" : " " + object);
    BlobStorageException bse = BucketException.find(e, BlobStorageException.class);
    if (bse != null) {
      int st = bse.getStatusCode();
      String code = bse.getErrorCode() == null ? "" : bse.getErrorCode().toString();
      if (st == 404 && object != null && !code.equals("ContainerNotFound")) {
        return new ObjectNotFoundException(object, e);
      }
      if (st == 401 || st == 403) {
        return new BucketAccessDeniedException("azure " + what + ": " + st + " " + code, st, e);
      }
      if (code.equals("InvalidBlockList")) {
        // A concurrent upload of the same name committed first, which discards every other
        // uncommitted block of the blob: uploading again succeeds.
        return new BucketException("azure " + what + ": " + st + " " + code, st, true, e);
      }
      return BucketException.ofStatus("azure " + what + ": " + st + " " + code, st, e);
    }
    if (e instanceof IOException io && !(e instanceof BucketException)) {
      return new BucketException("azure " + what + ": " + e, -1, Retries.isTransient(io), e);
    }
    if (e instanceof BucketException be) {
      return be;
    }
    return new BucketException("azure " + what + ": " + e, -1, Retries.isTransient(e), e);
  }

  @Override
  public NameIterator iter(String dir, boolean recursive) throws IOException {
    String prefix = ObjectName.dirPrefix(dir);
    ListBlobsOptions opts = new ListBlobsOptions().setPrefix(prefix).setMaxResultsPerPage(5000);
    Iterator<PagedResponse<BlobItem>> pages;
    try {
      pages =
          (recursive
                  ? container.listBlobs(opts, null)
                  : container.listBlobsByHierarchy(ObjectName.DELIM, opts, null))
              .iterableByPage()
              .iterator();
    } catch (RuntimeException e) {
      throw map(e, "iter", null);
    }
    return new NameIterator() {
      private final ArrayDeque<String> page = new ArrayDeque<>();
      private String cur;

      @Override
      public boolean next() throws IOException {
        try {
          while (page.isEmpty()) {
            if (!pages.hasNext()) {
              cur = null;
              return false;
            }
            List<String> names = new ArrayList<>();
            for (BlobItem i : pages.next().getValue()) {
              if (!i.getName().equals(prefix)) {
                names.add(i.getName());
              }
            }
            names.sort(ObjectName.ORDER);
            page.addAll(names);
          }
        } catch (RuntimeException e) {
          throw map(e, "iter", null);
        }
        cur = page.poll();
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
    BlobAsyncClientBase blob = async.getBlobAsyncClient(name);
    BlobRange range = new BlobRange(offset, length < 0 ? null : length);
    try {
      var resp =
          blob.downloadStreamWithResponse(
                  range, new DownloadRetryOptions().setMaxRetryRequests(readerRetries), null, false)
              .block();
      Stream<ByteBuffer> body = resp.getValue().toStream(2);
      return new BufferStream(body.iterator(), body::close);
    } catch (BlobStorageException e) {
      if (e.getStatusCode() == 416) {
        // Starts at or past the end: nothing to read.
        return InputStream.nullInputStream();
      }
      throw map(e, "get", name);
    } catch (RuntimeException e) {
      throw map(e, "get", name);
    }
  }

  /** An InputStream over a pulled sequence of buffers; closing cancels the download. */
  private static final class BufferStream extends InputStream {
    private final Iterator<ByteBuffer> it;
    private final Runnable cancel;
    private ByteBuffer cur = ByteBuffer.allocate(0);
    private boolean closed;

    BufferStream(Iterator<ByteBuffer> it, Runnable cancel) {
      this.it = it;
      this.cancel = cancel;
    }

    private boolean fill() throws IOException {
      try {
        while (!cur.hasRemaining()) {
          if (closed || !it.hasNext()) {
            return false;
          }
          cur = it.next();
        }
        return true;
      } catch (RuntimeException e) {
        throw map(e, "get", null);
      }
    }

    @Override
    public int read() throws IOException {
      return fill() ? cur.get() & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (!fill()) {
        return -1;
      }
      int n = Math.min(len, cur.remaining());
      cur.get(b, off, n);
      return n;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        cancel.run();
      }
    }
  }

  @Override
  public boolean exists(String name) throws IOException {
    try {
      return container.getBlobClient(name).exists();
    } catch (RuntimeException e) {
      throw map(e, "exists", name);
    }
  }

  @Override
  public ObjectAttributes attributes(String name) throws IOException {
    try {
      BlobProperties p = container.getBlobClient(name).getProperties();
      return new ObjectAttributes(p.getBlobSize(), p.getLastModified().toInstant());
    } catch (RuntimeException e) {
      throw map(e, "attributes", name);
    }
  }

  private static ParallelTransferOptions transfer() {
    return new ParallelTransferOptions()
        .setBlockSizeLong(BLOCK_SIZE)
        .setMaxSingleUploadSizeLong(BLOCK_SIZE)
        .setMaxConcurrency(CONCURRENCY);
  }

  @Override
  public void upload(String name, InputStream in, long length) throws IOException {
    ObjectName.validate(name);
    BlobClient blob = container.getBlobClient(name);
    CountingStream counted = new CountingStream(in);
    try {
      BlobParallelUploadOptions o =
          length >= 0
              ? new BlobParallelUploadOptions(
                  com.azure.core.util.BinaryData.fromStream(counted, length))
              : new BlobParallelUploadOptions(counted);
      blob.uploadWithResponse(o.setParallelTransferOptions(transfer()), null, null);
    } catch (RuntimeException e) {
      throw map(e, "upload", name);
    }
    if (length >= 0 && counted.count != length) {
      throw new BucketException(
          "upload " + name + ": stream gave " + counted.count + " bytes, expected " + length, null);
    }
  }

  private static final class CountingStream extends java.io.FilterInputStream {
    long count;

    CountingStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }

  @Override
  public void upload(String name, Path file) throws IOException {
    ObjectName.validate(name);
    try {
      container
          .getBlobClient(name)
          .uploadFromFileWithResponse(
              new BlobUploadFromFileOptions(file.toString()).setParallelTransferOptions(transfer()),
              null,
              null);
    } catch (RuntimeException e) {
      throw map(e, "upload", name);
    }
  }

  @Override
  public void delete(String name) throws IOException {
    try {
      container
          .getBlobClient(name)
          .deleteWithResponse(DeleteSnapshotsOptionType.INCLUDE, null, null, null);
    } catch (RuntimeException e) {
      throw map(e, "delete", name);
    }
  }

  @Override
  public String name() {
    return container.getBlobContainerName();
  }

  @Override
  public void close() {}

  @Override
  public String toString() {
    return "azure(" + name() + ")";
  }
}
