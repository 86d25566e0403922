package io.jthanos.objstore;

/** A name we refuse to write. */
public class InvalidObjectNameException extends IllegalArgumentException {
  public InvalidObjectNameException(String name, String reason) {
    super("invalid object name \"" + name + "\": " + reason);
  }
}
