package io.jthanos.block.metadata;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A file hash as meta.json records it: {@code {"hashFunc": "SHA256", "value": "<hex>"}}. */
public record ObjectHash(HashFunc func, String value) {

  public ObjectHash {
    if (func == null) {
      throw new IllegalArgumentException("hash function must be set");
    }
    value = value == null ? "" : value;
  }

  /** Thanos compares hashes by value only. */
  public boolean matches(ObjectHash other) {
    return other != null && value.equals(other.value);
  }

  /** Hashes a local file; {@link HashFunc#NONE} is not a hash and is rejected. */
  public static ObjectHash of(Path file, HashFunc func) throws IOException {
    if (func != HashFunc.SHA256) {
      throw new IllegalArgumentException("hash function " + func + " is not supported");
    }
    MessageDigest md = sha256();
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return new ObjectHash(func, HexFormat.of().formatHex(md.digest()));
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
