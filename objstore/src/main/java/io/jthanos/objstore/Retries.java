package io.jthanos.objstore;

import java.io.EOFException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;

/** Which failures are worth another try. */
public final class Retries {
  private Retries() {}

  /**
   * 5xx answers, plus the two 4xx that mean "later" rather than "no": 408 (request timeout) and 429
   * (throttled), as minio-go (Thanos' S3 client) and the cloud SDKs treat them. Other 4xx (400,
   * 401, 403, 404, 409, 412, 416...) are final.
   */
  public static boolean isTransientStatus(int status) {
    return status >= 500 || status == 408 || status == 429;
  }

  /**
   * Transient: a {@link BucketException} that says so, or a network failure (timeout, refused or
   * reset connection, a body cut short). A {@link BucketException} in the chain decides first.
   */
  public static boolean isTransient(Throwable t) {
    BucketException be = BucketException.find(t, BucketException.class);
    if (be != null) {
      return be.isTransient();
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof UncheckedIOException) {
        continue;
      }
      if (c instanceof SocketTimeoutException
          || c instanceof HttpTimeoutException
          || c instanceof ConnectException
          || c instanceof SocketException
          || c instanceof EOFException) {
        return true;
      }
    }
    return false;
  }
}
