package io.jthanos.store.cache;

import io.jthanos.tsdb.block.Ulid;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Index cache keys. Shaped like Thanos' ({@code P:<ULID>:<hash>}, {@code EP:<ULID>:<hash>}, {@code
 * S:<ULID>:<ref>}) but behind our own prefix {@value #PREFIX} and with our own value encodings, so
 * a memcached or redis shared with real Thanos store gateways never mixes entries. Label pairs and
 * matcher sets are hashed with SHA-256 (collisions would mean wrong answers) and base64url-encoded,
 * keeping keys short and free of characters memcached refuses.
 */
public final class CacheKeys {
  /** Prefix of every key we write. */
  public static final String PREFIX = "jthanos1:";

  private CacheKeys() {}

  static String postings(Ulid block, String name, String value) {
    return PREFIX + "P:" + block + ":" + hash(name + ":" + value);
  }

  static String expandedPostings(Ulid block, String matchers) {
    return PREFIX + "EP:" + block + ":" + hash(matchers);
  }

  static String series(Ulid block, long ref) {
    return PREFIX + "S:" + block + ":" + Long.toUnsignedString(ref);
  }

  /** The item type of one of our keys, or null. */
  static ItemType typeOf(String key) {
    if (!key.startsWith(PREFIX)) {
      return null;
    }
    int p = PREFIX.length();
    if (key.startsWith("P:", p)) {
      return ItemType.POSTINGS;
    }
    if (key.startsWith("EP:", p)) {
      return ItemType.EXPANDED_POSTINGS;
    }
    if (key.startsWith("S:", p)) {
      return ItemType.SERIES;
    }
    return null;
  }

  private static String hash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 unavailable", e);
    }
  }
}
