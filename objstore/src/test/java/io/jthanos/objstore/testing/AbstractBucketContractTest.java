package io.jthanos.objstore.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.InvalidObjectNameException;
import io.jthanos.objstore.ObjectAttributes;
import io.jthanos.objstore.ObjectName;
import io.jthanos.objstore.ObjectNotFoundException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every {@link Bucket} provider passes (Thanos' acceptance test, and more). A
 * provider's test extends it and returns a fresh, empty bucket from {@link #newBucket()}.
 */
public abstract class AbstractBucketContractTest {
  /** An empty bucket for one test; closed after it. */
  protected abstract Bucket newBucket() throws Exception;

  /**
   * The provider's multipart part size as configured for the test; the multipart tests upload more
   * than two parts' worth.
   */
  protected long partSize() {
    return 5L << 20;
  }

  /** How many objects the paging test lists (more than one page of 1000). */
  protected int pagingObjects() {
    return 1100;
  }

  protected Bucket bucket;
  @TempDir protected Path tmp;

  @BeforeEach
  void openBucket() throws Exception {
    bucket = newBucket();
  }

  @AfterEach
  void closeBucket() throws IOException {
    if (bucket != null) {
      bucket.close();
    }
  }

  protected void put(String name, String content) throws IOException {
    bucket.upload(name, content.getBytes(UTF_8));
  }

  protected String read(InputStream in) throws IOException {
    try (in) {
      return new String(in.readAllBytes(), UTF_8);
    }
  }

  protected String range(String name, long off, long len) throws IOException {
    return read(bucket.getRange(name, off, len));
  }

  @Test
  void missingObjectIsNotFound() throws IOException {
    put("id1/other", "x");
    assertThat(bucket.exists("id1/obj_1.some")).isFalse();
    for (ThrowingCall c :
        List.<ThrowingCall>of(
            () -> bucket.get("id1/obj_1.some").close(),
            () -> bucket.getRange("id1/obj_1.some", 1, 3).close(),
            () -> bucket.attributes("id1/obj_1.some"),
            () -> bucket.delete("id1/obj_1.some"))) {
      Throwable t = catchIt(c);
      assertThat(t).isInstanceOf(ObjectNotFoundException.class);
      assertThat(bucket.isObjNotFound(t)).isTrue();
      assertThat(bucket.isAccessDenied(t)).isFalse();
    }
    assertThat(bucket.isObjNotFound(new IOException("other"))).isFalse();
  }

  interface ThrowingCall {
    void run() throws Exception;
  }

  private static Throwable catchIt(ThrowingCall c) {
    try {
      c.run();
    } catch (Throwable t) {
      return t;
    }
    throw new AssertionError("expected a failure");
  }

  @Test
  void uploadGetAttributesAndOverwrite() throws IOException {
    Instant before = Instant.now().minus(Duration.ofMinutes(10));
    put("id1/obj_1.some", "@test-data@");
    assertThat(bucket.exists("id1/obj_1.some")).isTrue();
    assertThat(read(bucket.get("id1/obj_1.some"))).isEqualTo("@test-data@");
    ObjectAttributes a = bucket.attributes("id1/obj_1.some");
    assertThat(a.size()).isEqualTo(11);
    assertThat(a.lastModified()).isBetween(before, Instant.now().plus(Duration.ofMinutes(10)));

    put("id1/obj_1.some", "@test-data2@");
    assertThat(read(bucket.get("id1/obj_1.some"))).isEqualTo("@test-data2@");
    assertThat(bucket.attributes("id1/obj_1.some").size()).isEqualTo(12);
  }

  @Test
  void rangesClampAtTheEnd() throws IOException {
    put("id1/obj_1.some", "@test-data@");
    assertThat(range("id1/obj_1.some", 0, -1)).isEqualTo("@test-data@");
    assertThat(range("id1/obj_1.some", 3, -1)).isEqualTo("st-data@");
    assertThat(range("id1/obj_1.some", 3, 1)).isEqualTo("s");
    assertThat(range("id1/obj_1.some", 1, 3)).isEqualTo("tes");
    assertThat(range("id1/obj_1.some", 3, 9999)).isEqualTo("st-data@");
    assertThat(range("id1/obj_1.some", 10, 1)).isEqualTo("@");
    assertThat(range("id1/obj_1.some", 10, 5)).isEqualTo("@");
    assertThat(range("id1/obj_1.some", 10, -1)).isEqualTo("@");
    assertThat(range("id1/obj_1.some", 0, 11)).isEqualTo("@test-data@");
    assertThat(range("id1/obj_1.some", 4, 0)).isEmpty();
    // At and past the end: nothing, not an error.
    assertThat(range("id1/obj_1.some", 11, 3)).isEmpty();
    assertThat(range("id1/obj_1.some", 11, -1)).isEmpty();
    assertThat(range("id1/obj_1.some", 144440, 3)).isEmpty();
    assertThatThrownBy(() -> bucket.getRange("id1/obj_1.some", -1, 3))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void zeroLengthObject() throws IOException {
    bucket.upload("empty/obj", new byte[0]);
    assertThat(bucket.exists("empty/obj")).isTrue();
    assertThat(bucket.attributes("empty/obj").size()).isZero();
    assertThat(read(bucket.get("empty/obj"))).isEmpty();
    assertThat(range("empty/obj", 0, -1)).isEmpty();
    assertThat(range("empty/obj", 0, 10)).isEmpty();
    assertThat(bucket.list("empty", false)).containsExactly("empty/obj");
    bucket.upload("empty/unknown-length", new ByteArrayInputStream(new byte[0]), -1);
    assertThat(bucket.attributes("empty/unknown-length").size()).isZero();
  }

  protected static byte[] randomBytes(long n, long seed) {
    byte[] b = new byte[Math.toIntExact(n)];
    new Random(seed).nextBytes(b);
    return b;
  }

  private void assertContent(String name, byte[] want) throws IOException {
    assertThat(bucket.attributes(name).size()).isEqualTo(want.length);
    try (InputStream in = bucket.get(name)) {
      assertThat(Arrays.equals(in.readAllBytes(), want)).as("content of " + name).isTrue();
    }
    long off = partSize() - 100;
    try (InputStream in = bucket.getRange(name, off, 300)) {
      byte[] want2 = Arrays.copyOfRange(want, (int) off, (int) Math.min(want.length, off + 300));
      assertThat(Arrays.equals(in.readAllBytes(), want2))
          .as("range across a part boundary")
          .isTrue();
    }
  }

  @Test
  void multipartUploadAbovePartSize() throws IOException {
    byte[] data = randomBytes(partSize() * 2 + 12345, 1);
    bucket.upload("big/stream", new ByteArrayInputStream(data), data.length);
    assertContent("big/stream", data);

    Path f = tmp.resolve("big.bin");
    Files.write(f, data);
    bucket.upload("big/file", f);
    assertContent("big/file", data);

    // Unknown length: the provider has to find the parts itself.
    InputStream unsized =
        new InputStream() {
          final ByteArrayInputStream in = new ByteArrayInputStream(data);

          @Override
          public int read() {
            return in.read();
          }

          @Override
          public int read(byte[] b, int off, int len) {
            return in.read(b, off, Math.min(len, 7777));
          }
        };
    bucket.upload("big/unsized", unsized, -1);
    assertContent("big/unsized", data);
    assertThat(bucket.list("big/", true)).containsExactly("big/file", "big/stream", "big/unsized");
  }

  @Test
  void uploadOfExactlyThePartSize() throws IOException {
    byte[] data = randomBytes(partSize(), 2);
    bucket.upload("edge/exact", new ByteArrayInputStream(data), data.length);
    assertContent("edge/exact", data);
  }

  @Test
  void listingWithAndWithoutRecursion() throws IOException {
    for (String n :
        List.of(
            "id1/obj_1.some",
            "id1/obj_2.some",
            "id1/obj_3.some",
            "id1/sub/obj_5.some",
            "id2/obj_4.some",
            "obj_6.some",
            "a-b",
            "id1-x/y")) {
      put(n, n);
    }
    assertThat(bucket.list("", false))
        .containsExactly("a-b", "id1-x/", "id1/", "id2/", "obj_6.some");
    assertThat(bucket.list("id1", false))
        .containsExactly("id1/obj_1.some", "id1/obj_2.some", "id1/obj_3.some", "id1/sub/");
    assertThat(bucket.list("id1/", false)).isEqualTo(bucket.list("id1", false));
    assertThat(bucket.list("", true))
        .containsExactly(
            "a-b",
            "id1-x/y",
            "id1/obj_1.some",
            "id1/obj_2.some",
            "id1/obj_3.some",
            "id1/sub/obj_5.some",
            "id2/obj_4.some",
            "obj_6.some");
    assertThat(bucket.list("id1", true))
        .containsExactly(
            "id1/obj_1.some", "id1/obj_2.some", "id1/obj_3.some", "id1/sub/obj_5.some");
    assertThat(bucket.list("id1/sub/", false)).containsExactly("id1/sub/obj_5.some");
    assertThat(bucket.list("missing", false)).isEmpty();
    assertThat(bucket.list("missing/", true)).isEmpty();
    // A name is not a directory.
    assertThat(bucket.list("obj_6.some", false)).isEmpty();

    // Directories exist only through their objects.
    bucket.delete("id1/sub/obj_5.some");
    assertThat(bucket.list("id1", false))
        .containsExactly("id1/obj_1.some", "id1/obj_2.some", "id1/obj_3.some");
    assertThat(bucket.exists("id1/obj_1.some")).isTrue();
    assertThatThrownBy(() -> bucket.delete("id1/sub/obj_5.some"))
        .isInstanceOf(ObjectNotFoundException.class);
  }

  @Test
  void listingPagesThroughManyObjects() throws Exception {
    int n = pagingObjects();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      names.add(String.format("page/%05d", i));
    }
    names.add("page/zz/nested");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (String name : names) {
        fs.add(
            pool.submit(
                () -> {
                  try {
                    bucket.upload(name, name.getBytes(UTF_8));
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    List<String> rec = bucket.list("page", true);
    assertThat(rec).hasSize(n + 1).isSortedAccordingTo(ObjectName.ORDER);
    assertThat(rec).containsExactlyElementsOf(names);
    List<String> flat = bucket.list("page/", false);
    assertThat(flat).hasSize(n + 1).endsWith("page/zz/");
  }

  @Test
  void concurrentUploadsOfOneNameNeverShowHalfAnObject() throws Exception {
    int writers = 4;
    List<byte[]> versions = new ArrayList<>();
    for (int i = 0; i < writers; i++) {
      // Half of them large enough to go multipart.
      versions.add(randomBytes(i % 2 == 0 ? 256 * 1024 + i : partSize() + 1000 + i, 100 + i));
    }
    bucket.upload("race/obj", versions.get(0));
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
    try {
      Future<Integer> reader =
          pool.submit(
              () -> {
                int reads = 0;
                while (!stop.get() || reads == 0) {
                  byte[] got;
                  try (InputStream in = bucket.get("race/obj")) {
                    got = in.readAllBytes();
                  }
                  assertThat(versions.stream().anyMatch(v -> Arrays.equals(v, got)))
                      .as("read %d bytes that match no uploaded version", got.length)
                      .isTrue();
                  reads++;
                }
                return reads;
              });
      List<Future<?>> fs = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        for (byte[] v : versions) {
          fs.add(
              pool.submit(
                  () -> {
                    bucket.upload("race/obj", v);
                    return null;
                  }));
        }
      }
      for (Future<?> f : fs) {
        f.get();
      }
      stop.set(true);
      assertThat(reader.get()).isPositive();
    } finally {
      stop.set(true);
      pool.shutdownNow();
    }
    byte[] last = bucket.readAllBytes("race/obj");
    assertThat(versions.stream().anyMatch(v -> Arrays.equals(v, last))).isTrue();
    assertThat(bucket.list("race", true)).containsExactly("race/obj");
  }

  @Test
  void namesWithSpacesAndUnicode() throws IOException {
    List<String> names =
        List.of(
            "dir with space/obj ü 名前.txt",
            "dir with space/emoji 😀",
            "plus+and%percent&amp=?x",
            "ünïcödé/ä",
            "tilde~and'quote");
    for (String n : names) {
      put(n, "v:" + n);
    }
    for (String n : names) {
      assertThat(read(bucket.get(n))).isEqualTo("v:" + n);
      assertThat(bucket.exists(n)).isTrue();
      assertThat(bucket.attributes(n).size()).isEqualTo(("v:" + n).getBytes(UTF_8).length);
    }
    List<String> sorted = new ArrayList<>(names);
    sorted.sort(ObjectName.ORDER);
    assertThat(bucket.list("", true)).containsExactlyElementsOf(sorted);
    assertThat(bucket.list("dir with space", false))
        .containsExactly("dir with space/emoji 😀", "dir with space/obj ü 名前.txt");
    bucket.delete("dir with space/emoji 😀");
    assertThat(bucket.exists("dir with space/emoji 😀")).isFalse();
  }

  @Test
  void rejectsNamesThatEscapeOrAreNotObjects() throws IOException {
    for (String bad : List.of("", "/abs", "../x", "a/../b", "a/./b", "a//b", "dir/", "a/..")) {
      assertThatThrownBy(() -> bucket.upload(bad, "x".getBytes(UTF_8)))
          .as("name \"%s\"", bad)
          .isInstanceOf(InvalidObjectNameException.class);
    }
    assertThat(bucket.list("", true)).isEmpty();
  }

  @Test
  void deleteRemovesOnlyThatObject() throws IOException {
    put("del/a", "a");
    put("del/b", "b");
    bucket.delete("del/a");
    assertThat(bucket.exists("del/a")).isFalse();
    assertThat(bucket.exists("del/b")).isTrue();
    assertThatThrownBy(() -> bucket.get("del/a")).isInstanceOf(ObjectNotFoundException.class);
    bucket.delete("del/b");
    assertThat(bucket.list("", false)).isEmpty();
  }
}
