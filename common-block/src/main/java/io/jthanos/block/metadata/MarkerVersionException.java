package io.jthanos.block.metadata;

/** A marker with a version other than 1: a real error for readers (not skipped). */
public class MarkerVersionException extends RuntimeException {
  public MarkerVersionException(String objectName, int version) {
    super(
        "unexpected marker file version "
            + version
            + ", expected "
            + Marker.VERSION_1
            + ": "
            + objectName);
  }
}
