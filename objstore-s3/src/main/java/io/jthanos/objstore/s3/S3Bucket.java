package io.jthanos.objstore.s3;

import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.BucketAccessDeniedException;
import io.jthanos.objstore.BucketException;
import io.jthanos.objstore.FileRangeInputStream;
import io.jthanos.objstore.NameIterator;
import io.jthanos.objstore.ObjectAttributes;
import io.jthanos.objstore.ObjectName;
import io.jthanos.objstore.ObjectNotFoundException;
import io.jthanos.objstore.Retries;
import io.jthanos.objstore.RetryPolicy;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectRequest;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.StorageClass;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/**
 * A bucket in S3 or an S3-compatible store. Objects below {@code part_size} (and every object when
 * {@code disable_multipart}) are written with one PUT; larger ones with a multipart upload whose
 * parts go up 4 at a time (as Thanos' minio-go client), from the file itself for {@link
 * #upload(String, Path)} or from at most 5 part buffers for streams. A failed multipart upload is
 * aborted, so nothing is visible; uploads abandoned by a killed process are aborted when a bucket
 * is next opened, once older than a day.
 */
final class S3Bucket implements Bucket {
  static final Duration STALE_UPLOAD_AGE = Duration.ofDays(1);
  static final int PART_CONCURRENCY = 4;
  static final int MAX_PARTS = 10_000;
  private static final Logger LOG = LoggerFactory.getLogger(S3Bucket.class);
  private static final RetryPolicy PART_RETRIES =
      new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(5));

  /** Server-side encryption settings applied to writes (and, for SSE-C, to reads). */
  record Sse(
      ServerSideEncryption type,
      String kmsKeyId,
      String kmsContext,
      String customerKey,
      String customerKeyMd5) {
    static final Sse NONE = new Sse(null, null, null, null, null);

    static Sse s3() {
      return new Sse(ServerSideEncryption.AES256, null, null, null, null);
    }

    static Sse kms(String keyId, Map<String, String> context) {
      StringBuilder json = new StringBuilder("{");
      context.forEach(
          (k, v) -> {
            if (json.length() > 1) {
              json.append(',');
            }
            json.append(quote(k)).append(':').append(quote(v));
          });
      json.append('}');
      String ctx =
          Base64.getEncoder().encodeToString(json.toString().getBytes(StandardCharsets.UTF_8));
      return new Sse(ServerSideEncryption.AWS_KMS, keyId, ctx, null, null);
    }

    static Sse customer(byte[] key) {
      return new Sse(
          null,
          null,
          null,
          Base64.getEncoder().encodeToString(key),
          Base64.getEncoder().encodeToString(md5(key, 0, key.length)));
    }

    private static String quote(String s) {
      return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    boolean customerKeyed() {
      return customerKey != null;
    }
  }

  private final S3Client s3;
  private final String bucket;
  private final long partSize;
  private final boolean disableMultipart;
  private final boolean sendMd5;
  private final boolean listV1;
  private final Map<String, String> metadata;
  private final String storageClass;
  private final Sse sse;

  S3Bucket(S3Client s3, S3Config c, Sse sse, Duration staleUploadAge) {
    this.s3 = s3;
    this.bucket = c.bucket;
    this.partSize = c.partSize;
    this.disableMultipart = c.disableMultipart;
    this.sendMd5 = c.sendContentMd5;
    this.listV1 = c.listObjectsVersion.equals("v1");
    this.sse = sse;
    Map<String, String> md = new LinkedHashMap<>();
    String sc = null;
    for (Map.Entry<String, String> e : c.putUserMetadata.entrySet()) {
      if (e.getKey().equalsIgnoreCase("X-Amz-Storage-Class")) {
        sc = e.getValue();
      } else {
        md.put(e.getKey(), e.getValue());
      }
    }
    this.metadata = Map.copyOf(md);
    this.storageClass = sc;
    abortStaleUploads(staleUploadAge);
  }

  S3Client client() {
    return s3;
  }

  // ---- errors ----

  /** Maps an SDK failure; {@code object} is set for object operations (404 is then not-found). */
  static IOException map(SdkException e, String op, String object) {
    String what = op + (object == null ? "" : " " + object);
    if (e instanceof S3Exception s) {
      int st = s.statusCode();
      String code = s.awsErrorDetails() == null ? "" : s.awsErrorDetails().errorCode();
      String msg =
          s.awsErrorDetails() == null ? s.getMessage() : s.awsErrorDetails().errorMessage();
      if (st == 404 && object != null && !"NoSuchBucket".equals(code)) {
        return new ObjectNotFoundException(object, e);
      }
      if (st == 401 || st == 403) {
        return new BucketAccessDeniedException(
            "s3 " + what + ": " + st + " " + code + ": " + msg, st, e);
      }
      return BucketException.ofStatus("s3 " + what + ": " + st + " " + code + ": " + msg, st, e);
    }
    boolean transientFailure =
        e instanceof SdkClientException && e.getCause() != null && Retries.isTransient(e.getCause())
            || e.getClass().getSimpleName().contains("Timeout");
    return new BucketException("s3 " + what + ": " + e.getMessage(), -1, transientFailure, e);
  }

  // ---- listing ----

  @Override
  public NameIterator iter(String dir, boolean recursive) throws IOException {
    String prefix = ObjectName.dirPrefix(dir);
    return new NameIterator() {
      private final ArrayDeque<String> page = new ArrayDeque<>();
      private String token;
      private boolean done;
      private String cur;

      @Override
      public boolean next() throws IOException {
        while (page.isEmpty()) {
          if (done) {
            cur = null;
            return false;
          }
          fetch();
        }
        cur = page.poll();
        return true;
      }

      private void fetch() throws IOException {
        List<String> names = new ArrayList<>();
        try {
          if (listV1) {
            ListObjectsResponse r =
                s3.listObjects(
                    b -> {
                      b.bucket(bucket).prefix(prefix).marker(token);
                      if (!recursive) {
                        b.delimiter(ObjectName.DELIM);
                      }
                    });
            String last = null;
            for (S3Object o : r.contents()) {
              names.add(o.key());
              last = o.key();
            }
            for (CommonPrefix p : r.commonPrefixes()) {
              names.add(p.prefix());
              last =
                  last == null || ObjectName.ORDER.compare(p.prefix(), last) > 0
                      ? p.prefix()
                      : last;
            }
            token = r.nextMarker() != null ? r.nextMarker() : last;
            done = !Boolean.TRUE.equals(r.isTruncated()) || token == null;
          } else {
            ListObjectsV2Response r =
                s3.listObjectsV2(
                    b -> {
                      b.bucket(bucket).prefix(prefix).continuationToken(token);
                      if (!recursive) {
                        b.delimiter(ObjectName.DELIM);
                      }
                    });
            for (S3Object o : r.contents()) {
              names.add(o.key());
            }
            for (CommonPrefix p : r.commonPrefixes()) {
              names.add(p.prefix());
            }
            token = r.nextContinuationToken();
            done = !Boolean.TRUE.equals(r.isTruncated()) || token == null;
          }
        } catch (SdkException e) {
          throw map(e, "iter", null);
        }
        names.removeIf(n -> n.isEmpty() || n.equals(prefix));
        names.sort(ObjectName.ORDER);
        page.addAll(names);
      }

      @Override
      public String at() {
        return cur;
      }
    };
  }

  // ---- reads ----

  @Override
  public InputStream get(String name) throws IOException {
    return getRange(name, 0, -1);
  }

  @Override
  public InputStream getRange(String name, long offset, long length) throws IOException {
    ObjectName.checkRange(offset, length);
    if (length == 0) {
      head(name, "get_range");
      return InputStream.nullInputStream();
    }
    GetObjectRequest.Builder b = GetObjectRequest.builder().bucket(bucket).key(name);
    if (length > 0) {
      b.range("bytes=" + offset + "-" + (offset + length - 1));
    } else if (offset > 0) {
      b.range("bytes=" + offset + "-");
    }
    if (sse.customerKeyed()) {
      b.sseCustomerAlgorithm("AES256")
          .sseCustomerKey(sse.customerKey())
          .sseCustomerKeyMD5(sse.customerKeyMd5());
    }
    try {
      return new ObjectStream(s3.getObject(b.build()));
    } catch (S3Exception e) {
      if (e.statusCode() == 416) {
        // The range starts at or past the end: nothing to read (the object exists).
        return InputStream.nullInputStream();
      }
      throw map(e, "get", name);
    } catch (SdkException e) {
      throw map(e, "get", name);
    }
  }

  /** Aborts the HTTP exchange when closed before the end, instead of draining it. */
  private static final class ObjectStream extends FilterInputStream {
    private final ResponseInputStream<GetObjectResponse> r;
    private boolean eof;

    ObjectStream(ResponseInputStream<GetObjectResponse> r) {
      super(r);
      this.r = r;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      eof |= b < 0;
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = super.read(buf, off, len);
      eof |= n < 0;
      return n;
    }

    @Override
    public void close() throws IOException {
      if (!eof) {
        r.abort();
      }
      super.close();
    }
  }

  private HeadObjectResponse head(String name, String op) throws IOException {
    HeadObjectRequest.Builder b = HeadObjectRequest.builder().bucket(bucket).key(name);
    if (sse.customerKeyed()) {
      b.sseCustomerAlgorithm("AES256")
          .sseCustomerKey(sse.customerKey())
          .sseCustomerKeyMD5(sse.customerKeyMd5());
    }
    try {
      return s3.headObject(b.build());
    } catch (SdkException e) {
      throw map(e, op, name);
    }
  }

  @Override
  public boolean exists(String name) throws IOException {
    try {
      head(name, "exists");
      return true;
    } catch (ObjectNotFoundException e) {
      return false;
    }
  }

  @Override
  public ObjectAttributes attributes(String name) throws IOException {
    HeadObjectResponse h = head(name, "attributes");
    return new ObjectAttributes(h.contentLength(), h.lastModified());
  }

  @Override
  public void delete(String name) throws IOException {
    // S3 answers 204 for a missing key too; the contract wants not-found.
    head(name, "delete");
    try {
      s3.deleteObject(b -> b.bucket(bucket).key(name));
    } catch (SdkException e) {
      throw map(e, "delete", name);
    }
  }

  // ---- writes ----

  static byte[] md5(byte[] b, int off, int len) {
    MessageDigest md = md5();
    md.update(b, off, len);
    return md.digest();
  }

  private static MessageDigest md5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String md5Of(Path file, long off, long len) throws IOException {
    MessageDigest md = md5();
    try (InputStream in = FileRangeInputStream.open(file, off, len)) {
      byte[] buf = new byte[1 << 16];
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return Base64.getEncoder().encodeToString(md.digest());
  }

  private PutObjectRequest putRequest(String name, long length, String md5) {
    PutObjectRequest.Builder b =
        PutObjectRequest.builder().bucket(bucket).key(name).contentLength(length);
    if (!metadata.isEmpty()) {
      b.metadata(metadata);
    }
    if (storageClass != null) {
      b.storageClass(StorageClass.fromValue(storageClass));
    }
    if (md5 != null) {
      b.contentMD5(md5);
    }
    if (sse.type() != null) {
      b.serverSideEncryption(sse.type());
    }
    if (sse.kmsKeyId() != null) {
      b.ssekmsKeyId(sse.kmsKeyId()).ssekmsEncryptionContext(sse.kmsContext());
    }
    if (sse.customerKeyed()) {
      b.sseCustomerAlgorithm("AES256")
          .sseCustomerKey(sse.customerKey())
          .sseCustomerKeyMD5(sse.customerKeyMd5());
    }
    return b.build();
  }

  private void putBytes(String name, byte[] data, int len) throws IOException {
    String md5 = sendMd5 ? Base64.getEncoder().encodeToString(md5(data, 0, len)) : null;
    try {
      s3.putObject(putRequest(name, len, md5), RequestBody.fromBytes(trim(data, len)));
    } catch (SdkException e) {
      throw map(e, "upload", name);
    }
  }

  private static byte[] trim(byte[] data, int len) {
    return len == data.length ? data : java.util.Arrays.copyOf(data, len);
  }

  private void putFile(String name, Path file, long size) throws IOException {
    String md5 = sendMd5 ? md5Of(file, 0, size) : null;
    try {
      s3.putObject(
          putRequest(name, size, md5),
          RequestBody.fromContentProvider(
              () -> {
                try {
                  return FileRangeInputStream.open(file, 0, size);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              },
              size,
              "application/octet-stream"));
    } catch (SdkException e) {
      throw map(e, "upload", name);
    }
  }

  @Override
  public void upload(String name, InputStream in, long length) throws IOException {
    ObjectName.validate(name);
    if (length >= 0 && length < partSize) {
      byte[] data = in.readNBytes((int) length);
      if (data.length != length) {
        throw new BucketException(
            "upload " + name + ": stream gave " + data.length + " bytes, expected " + length, null);
      }
      putBytes(name, data, data.length);
      return;
    }
    if (length >= 0 && disableMultipart) {
      spoolAndPut(name, in, new byte[0], 0, length);
      return;
    }
    // Unknown length, or a multipart upload: read the first part to decide.
    byte[] first = new byte[(int) Math.min(partSize(length), Integer.MAX_VALUE - 16)];
    int n = in.readNBytes(first, 0, first.length);
    if (length < 0 && n < first.length) {
      putBytes(name, first, n);
      return;
    }
    if (disableMultipart) {
      spoolAndPut(name, in, first, n, length);
      return;
    }
    multipartFromStream(name, in, first, n, length);
  }

  /** The part size to use: the configured one, grown to stay within 10000 parts. */
  private long partSize(long length) {
    if (length <= 0) {
      return partSize;
    }
    long min = (length + MAX_PARTS - 1) / MAX_PARTS;
    return Math.max(partSize, min);
  }

  /** disable_multipart with a big or unsized stream: spool to a temp file, then one PUT. */
  private void spoolAndPut(String name, InputStream in, byte[] head, int headLen, long length)
      throws IOException {
    Path tmp = Files.createTempFile("jthanos-s3-upload", ".tmp");
    try {
      long size;
      try (OutputStream out = Files.newOutputStream(tmp)) {
        out.write(head, 0, headLen);
        size = headLen + in.transferTo(out);
      }
      if (length >= 0 && size != length) {
        throw new BucketException(
            "upload " + name + ": stream gave " + size + " bytes, expected " + length, null);
      }
      putFile(name, tmp, size);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public void upload(String name, Path file) throws IOException {
    ObjectName.validate(name);
    long size = Files.size(file);
    if (disableMultipart || size < partSize) {
      putFile(name, file, size);
      return;
    }
    long ps = partSize(size);
    Multipart mp = new Multipart(name);
    try {
      int part = 1;
      for (long off = 0; off < size; off += ps, part++) {
        long o = off;
        long len = Math.min(ps, size - off);
        mp.submit(
            part,
            sendMd5 ? () -> md5Of(file, o, len) : null,
            len,
            () -> FileRangeInputStream.open(file, o, len),
            null);
      }
      mp.complete();
    } catch (IOException | RuntimeException e) {
      mp.abort(e);
      throw e;
    }
  }

  private void multipartFromStream(String name, InputStream in, byte[] first, int n, long length)
      throws IOException {
    int ps = first.length;
    BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(PART_CONCURRENCY + 1);
    Multipart mp = new Multipart(name);
    try {
      long total = 0;
      byte[] buf = first;
      int len = n;
      int part = 1;
      while (true) {
        total += len;
        if (part > MAX_PARTS) {
          throw new BucketException(
              "upload " + name + ": more than " + MAX_PARTS + " parts of " + ps + " bytes", null);
        }
        byte[] data = buf;
        int dlen = len;
        mp.submit(
            part,
            sendMd5 ? () -> Base64.getEncoder().encodeToString(md5(data, 0, dlen)) : null,
            dlen,
            () -> new ByteArrayInputStream(data, 0, dlen),
            () -> free.offer(data));
        part++;
        if (len < ps) {
          break;
        }
        buf = free.poll();
        if (buf == null) {
          buf = new byte[ps];
        }
        len = in.readNBytes(buf, 0, ps);
        if (len == 0) {
          break;
        }
      }
      if (length >= 0 && total != length) {
        throw new BucketException(
            "upload " + name + ": stream gave " + total + " bytes, expected " + length, null);
      }
      mp.complete();
    } catch (IOException | RuntimeException e) {
      mp.abort(e);
      throw e;
    }
  }

  private interface Md5Source {
    String md5() throws IOException;
  }

  private interface Body {
    InputStream open() throws IOException;
  }

  /** One multipart upload: parts go up {@value #PART_CONCURRENCY} at a time. */
  private final class Multipart {
    private final String name;
    private final String uploadId;
    private final List<Future<CompletedPart>> parts = new ArrayList<>();
    private final Semaphore inflight = new Semaphore(PART_CONCURRENCY);
    private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();

    Multipart(String name) throws IOException {
      this.name = name;
      CreateMultipartUploadRequest.Builder b =
          CreateMultipartUploadRequest.builder().bucket(bucket).key(name);
      if (!metadata.isEmpty()) {
        b.metadata(metadata);
      }
      if (storageClass != null) {
        b.storageClass(StorageClass.fromValue(storageClass));
      }
      if (sse.type() != null) {
        b.serverSideEncryption(sse.type());
      }
      if (sse.kmsKeyId() != null) {
        b.ssekmsKeyId(sse.kmsKeyId()).ssekmsEncryptionContext(sse.kmsContext());
      }
      if (sse.customerKeyed()) {
        b.sseCustomerAlgorithm("AES256")
            .sseCustomerKey(sse.customerKey())
            .sseCustomerKeyMD5(sse.customerKeyMd5());
      }
      try {
        uploadId =
            PART_RETRIES.call("upload", name, a -> s3.createMultipartUpload(b.build()).uploadId());
      } catch (SdkException e) {
        pool.close();
        throw map(e, "upload", name);
      }
    }

    void submit(int part, Md5Source md5, long len, Body body, Runnable done) throws IOException {
      failFast();
      try {
        inflight.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted uploading " + name);
      }
      parts.add(
          pool.submit(
              () -> {
                try {
                  String sum = md5 == null ? null : md5.md5();
                  UploadPartRequest.Builder req =
                      UploadPartRequest.builder()
                          .bucket(bucket)
                          .key(name)
                          .uploadId(uploadId)
                          .partNumber(part)
                          .contentLength(len);
                  if (sum != null) {
                    req.contentMD5(sum);
                  }
                  if (sse.customerKeyed()) {
                    req.sseCustomerAlgorithm("AES256")
                        .sseCustomerKey(sse.customerKey())
                        .sseCustomerKeyMD5(sse.customerKeyMd5());
                  }
                  UploadPartRequest r = req.build();
                  String etag =
                      PART_RETRIES.call(
                          "upload",
                          name,
                          a -> {
                            try {
                              return s3.uploadPart(
                                      r,
                                      RequestBody.fromContentProvider(
                                          () -> {
                                            try {
                                              return body.open();
                                            } catch (IOException e) {
                                              throw new java.io.UncheckedIOException(e);
                                            }
                                          },
                                          len,
                                          "application/octet-stream"))
                                  .eTag();
                            } catch (SdkException e) {
                              throw map(e, "upload", name);
                            }
                          });
                  return CompletedPart.builder().partNumber(part).eTag(etag).build();
                } finally {
                  if (done != null) {
                    done.run();
                  }
                  inflight.release();
                }
              }));
    }

    private void failFast() throws IOException {
      for (Future<CompletedPart> f : parts) {
        if (f.isDone()) {
          get(f);
        }
      }
    }

    private CompletedPart get(Future<CompletedPart> f) throws IOException {
      try {
        return f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted uploading " + name);
      } catch (ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof IOException io) {
          throw io;
        }
        if (c instanceof RuntimeException re) {
          throw re;
        }
        throw new BucketException("upload " + name + ": " + c, c);
      }
    }

    void complete() throws IOException {
      List<CompletedPart> done = new ArrayList<>();
      for (Future<CompletedPart> f : parts) {
        done.add(get(f));
      }
      pool.close();
      try {
        PART_RETRIES.call(
            "upload",
            name,
            a ->
                s3.completeMultipartUpload(
                    b ->
                        b.bucket(bucket)
                            .key(name)
                            .uploadId(uploadId)
                            .multipartUpload(m -> m.parts(done))));
      } catch (SdkException e) {
        throw map(e, "upload", name);
      }
    }

    void abort(Throwable cause) {
      pool.shutdownNow();
      pool.close();
      try {
        s3.abortMultipartUpload(b -> b.bucket(bucket).key(name).uploadId(uploadId));
      } catch (SdkException e) {
        cause.addSuppressed(e);
        LOG.atWarn()
            .addKeyValue("object", name)
            .addKeyValue("upload_id", uploadId)
            .setCause(e)
            .log("cannot abort failed multipart upload; a lifecycle rule will remove it");
      }
    }
  }

  /** Aborts multipart uploads older than {@code age}: left by processes killed mid-upload. */
  private void abortStaleUploads(Duration age) {
    Instant cutoff = Instant.now().minus(age);
    String keyMarker = null;
    String idMarker = null;
    try {
      for (int page = 0; page < 100; page++) {
        String km = keyMarker;
        String im = idMarker;
        ListMultipartUploadsResponse r =
            s3.listMultipartUploads(b -> b.bucket(bucket).keyMarker(km).uploadIdMarker(im));
        for (MultipartUpload u : r.uploads()) {
          if (u.initiated() != null && u.initiated().isBefore(cutoff)) {
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(u.key()).uploadId(u.uploadId()));
            LOG.atInfo()
                .addKeyValue("object", u.key())
                .addKeyValue("upload_id", u.uploadId())
                .addKeyValue("initiated", u.initiated())
                .log("aborted abandoned multipart upload");
          }
        }
        if (!Boolean.TRUE.equals(r.isTruncated())) {
          return;
        }
        keyMarker = r.nextKeyMarker();
        idMarker = r.nextUploadIdMarker();
      }
    } catch (SdkException e) {
      // Stores without the API, or credentials without the permission: a lifecycle rule is the
      // documented way to clean up then.
      LOG.atInfo()
          .addKeyValue("bucket", bucket)
          .addKeyValue("err", e.getMessage())
          .log("cannot clean up abandoned multipart uploads; leaving them to a lifecycle rule");
    }
  }

  @Override
  public String name() {
    return bucket;
  }

  @Override
  public void close() {
    s3.close();
  }

  @Override
  public String toString() {
    return "s3(" + bucket + ")";
  }
}
