package io.jthanos.block.metadata;

/**
 * A marker object whose content cannot be decoded, typically a partial upload (Thanos' {@code
 * ErrorUnmarshalMarker}): readers skip the marker with a warning.
 */
public class MarkerFormatException extends RuntimeException {
  private final String objectName;

  public MarkerFormatException(String objectName, String reason) {
    super("unmarshal marker JSON: file: " + objectName + "; err: " + reason);
    this.objectName = objectName;
  }

  public String objectName() {
    return objectName;
  }
}
