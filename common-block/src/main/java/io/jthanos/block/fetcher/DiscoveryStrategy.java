package io.jthanos.block.fetcher;

import java.util.Locale;

/**
 * How blocks are found in the bucket ({@code --block-discovery-strategy}): {@code concurrent} lists
 * the top level and checks each block's meta.json with one request each; {@code recursive} lists
 * every object once (fewer requests on buckets with cheap recursive listing).
 */
public enum DiscoveryStrategy {
  CONCURRENT,
  RECURSIVE;

  public static DiscoveryStrategy parse(String s) {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "concurrent" -> CONCURRENT;
      case "recursive" -> RECURSIVE;
      default ->
          throw new IllegalArgumentException(
              "unknown block discovery strategy \"" + s + "\" (valid: concurrent, recursive)");
    };
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
