package io.jthanos.block;

import java.io.IOException;

/** A block could not be uploaded; the message says which step failed. */
public class BlockUploadException extends IOException {
  public BlockUploadException(String message) {
    super(message);
  }

  public BlockUploadException(String message, Throwable cause) {
    super(message, cause);
  }
}
