package io.jthanos.objstore;

/** The object (or its bucket) does not exist. Expected by callers; not an operation failure. */
public class ObjectNotFoundException extends BucketException {
  private final String object;

  public ObjectNotFoundException(String object, Throwable cause) {
    super("object not found: " + object, 404, false, cause);
    this.object = object;
  }

  public String object() {
    return object;
  }
}
