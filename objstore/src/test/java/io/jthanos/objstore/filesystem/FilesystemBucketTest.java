package io.jthanos.objstore.filesystem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.InvalidObjectNameException;
import io.jthanos.objstore.testing.AbstractBucketContractTest;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;

class FilesystemBucketTest extends AbstractBucketContractTest {
  private Path root;

  @Override
  protected Bucket newBucket() throws Exception {
    root = tmp.resolve("bucket");
    return new FilesystemBucket(root);
  }

  @Test
  void readsNeverEscapeTheDirectory() throws Exception {
    Files.writeString(tmp.resolve("secret"), "s");
    assertThatThrownBy(() -> bucket.get("../secret"))
        .isInstanceOf(InvalidObjectNameException.class);
    assertThatThrownBy(() -> bucket.exists("a/../../secret"))
        .isInstanceOf(InvalidObjectNameException.class);
  }

  @Test
  void aFailedUploadLeavesNothingVisible() throws Exception {
    InputStream failing =
        new InputStream() {
          int n;

          @Override
          public int read() throws java.io.IOException {
            if (n++ > 1000) {
              throw new java.io.IOException("client went away");
            }
            return 'x';
          }
        };
    assertThatThrownBy(() -> bucket.upload("part/obj", failing, 5000))
        .hasMessageContaining("client went away");
    assertThat(bucket.exists("part/obj")).isFalse();
    assertThat(bucket.list("", true)).isEmpty();
    try (var s = Files.list(root.resolve(FilesystemBucket.TMP_DIR))) {
      assertThat(s).isEmpty();
    }
  }

  @Test
  void abandonedPartialUploadsAreRemovedOnTheNextStart() throws Exception {
    Path tmpDir = root.resolve(FilesystemBucket.TMP_DIR);
    Files.createDirectories(tmpDir);
    Path old = Files.writeString(tmpDir.resolve("old.tmp"), "half");
    Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(2, ChronoUnit.HOURS)));
    Path fresh = Files.writeString(tmpDir.resolve("fresh.tmp"), "in flight");
    new FilesystemBucket(root).close();
    assertThat(old).doesNotExist();
    assertThat(fresh).exists();
    assertThat(bucket.list("", false)).isEmpty();
  }

  @Test
  void foreignOddNamesAreListed() throws Exception {
    Files.createDirectories(root.resolve("odd"));
    Files.writeString(root.resolve("odd/with\ttab"), "x");
    Files.writeString(root.resolve("odd/..."), "x");
    assertThat(bucket.list("odd", false)).containsExactly("odd/...", "odd/with\ttab");
  }

  @Test
  void aDirectoryIsNotAnObject() throws Exception {
    put("d/x", "x");
    assertThatThrownBy(() -> bucket.get("d").readAllBytes())
        .isInstanceOf(io.jthanos.objstore.ObjectNotFoundException.class);
    assertThatThrownBy(() -> bucket.attributes("d"))
        .isInstanceOf(io.jthanos.objstore.ObjectNotFoundException.class);
    assertThat(bucket.exists("d")).isFalse();
    assertThatThrownBy(() -> bucket.delete("d"))
        .isInstanceOf(io.jthanos.objstore.ObjectNotFoundException.class);
  }
}
