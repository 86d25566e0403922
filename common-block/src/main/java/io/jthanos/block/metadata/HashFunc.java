package io.jthanos.block.metadata;

/**
 * How file hashes in meta.json's {@code thanos.files} are computed (Thanos' {@code --hash-func}):
 * none, or SHA-256 of the file content as lowercase hex.
 */
public enum HashFunc {
  NONE(""),
  SHA256("SHA256");

  private final String id;

  HashFunc(String id) {
    this.id = id;
  }

  /** The JSON / flag spelling: {@code ""} or {@code "SHA256"}. */
  public String id() {
    return id;
  }

  /** Parses the flag / JSON value; unknown values are rejected. */
  public static HashFunc parse(String s) {
    if (s == null || s.isEmpty()) {
      return NONE;
    }
    if (s.equals("SHA256")) {
      return SHA256;
    }
    throw new IllegalArgumentException(
        "unknown hash function \"" + s + "\" (valid: \"\", \"SHA256\")");
  }
}
