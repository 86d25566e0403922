package io.jthanos.objstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jthanos.objstore.testing.InMemoryBucket;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryingBucketTest {
  private final InMemoryBucket inner = new InMemoryBucket();
  private final Deque<IOException> faults = new ArrayDeque<>();
  private int calls;

  /** Fails the next calls with the queued faults, then delegates. */
  private final Bucket flaky =
      new Bucket() {
        private void maybeFail() throws IOException {
          calls++;
          IOException e = faults.poll();
          if (e != null) {
            throw e;
          }
        }

        @Override
        public NameIterator iter(String dir, boolean recursive) throws IOException {
          maybeFail();
          NameIterator it = inner.iter(dir, recursive);
          return new NameIterator() {
            @Override
            public boolean next() throws IOException {
              maybeFail();
              return it.next();
            }

            @Override
            public String at() {
              return it.at();
            }
          };
        }

        @Override
        public InputStream get(String name) throws IOException {
          maybeFail();
          return inner.get(name);
        }

        @Override
        public InputStream getRange(String name, long offset, long length) throws IOException {
          maybeFail();
          return inner.getRange(name, offset, length);
        }

        @Override
        public boolean exists(String name) throws IOException {
          maybeFail();
          return inner.exists(name);
        }

        @Override
        public ObjectAttributes attributes(String name) throws IOException {
          maybeFail();
          return inner.attributes(name);
        }

        @Override
        public void upload(String name, InputStream in, long length) throws IOException {
          in.readNBytes(3);
          maybeFail();
          inner.upload(name, in, -1);
        }

        @Override
        public void delete(String name) throws IOException {
          maybeFail();
          inner.delete(name);
        }

        @Override
        public String name() {
          return "flaky";
        }

        @Override
        public void close() {}
      };

  private final RetryingBucket bkt =
      new RetryingBucket(flaky, new RetryPolicy(4, Duration.ofMillis(1), Duration.ofMillis(5)));

  private static BucketException status(int code) {
    return BucketException.ofStatus("status " + code, code, null);
  }

  @Test
  void transientFailuresAreRetried() throws Exception {
    inner.upload("a", "abc".getBytes());
    faults.add(status(503));
    faults.add(new SocketTimeoutException("read timed out"));
    assertThat(bkt.readAllBytes("a")).isEqualTo("abc".getBytes());
    assertThat(calls).isEqualTo(3);
  }

  @Test
  void clientErrorsAreNotRetried() {
    faults.add(status(403));
    assertThatThrownBy(() -> bkt.exists("a"))
        .isInstanceOf(BucketException.class)
        .extracting(e -> ((BucketException) e).status())
        .isEqualTo(403);
    assertThat(calls).isEqualTo(1);
    faults.add(new BucketAccessDeniedException("get a", 403, null));
    assertThatThrownBy(() -> bkt.get("a")).hasMessageContaining("not retried");
    assertThat(calls).isEqualTo(2);
  }

  @Test
  void givesUpAfterMaxAttempts() {
    for (int i = 0; i < 10; i++) {
      faults.add(status(500));
    }
    assertThatThrownBy(() -> bkt.attributes("a")).isInstanceOf(BucketException.class);
    assertThat(calls).isEqualTo(4);
  }

  @Test
  void uploadsOfReplayableStreamsAreRetriedFromTheStart() throws Exception {
    faults.add(status(502));
    bkt.upload("u", "hello".getBytes());
    // The flaky delegate skips 3 bytes per attempt; the retry starts over: "lo" after reset.
    assertThat(inner.readAllBytes("u")).isEqualTo("lo".getBytes());
    assertThat(calls).isEqualTo(2);
  }

  @Test
  void listingResumesAfterTheLastName() throws Exception {
    for (String n : List.of("a", "b", "c", "d")) {
      inner.upload(n, new byte[0]);
    }
    try (NameIterator it = bkt.iter("", true)) {
      assertThat(it.next()).isTrue();
      assertThat(it.at()).isEqualTo("a");
      assertThat(it.next()).isTrue();
      faults.add(status(503));
      assertThat(it.next()).isTrue();
      assertThat(it.at()).isEqualTo("c");
      assertThat(it.next()).isTrue();
      assertThat(it.at()).isEqualTo("d");
      assertThat(it.next()).isFalse();
    }
  }

  @Test
  void deleteThatSucceededBeforeItsAnswerWasLostIsDone() throws Exception {
    inner.upload("d", new byte[0]);
    Bucket lossy =
        new RetryingBucket(
            new ForwardingBucket(inner) {
              int n;

              @Override
              public void delete(String name) throws IOException {
                super.delete(name);
                if (n++ == 0) {
                  throw new SocketTimeoutException("answer lost");
                }
              }
            },
            new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(1)));
    lossy.delete("d");
    assertThat(inner.exists("d")).isFalse();
    assertThatThrownBy(() -> lossy.delete("d")).isInstanceOf(ObjectNotFoundException.class);
  }
}
