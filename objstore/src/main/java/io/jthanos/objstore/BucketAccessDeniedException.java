package io.jthanos.objstore;

/** The credentials in use may not perform the operation (HTTP 401/403). Never retried. */
public class BucketAccessDeniedException extends BucketException {
  public BucketAccessDeniedException(String message, int status, Throwable cause) {
    super(message + " (access denied, not retried)", status, false, cause);
  }
}
