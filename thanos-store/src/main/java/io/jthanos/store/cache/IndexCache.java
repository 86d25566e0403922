package io.jthanos.store.cache;

import io.jthanos.tsdb.block.Ulid;
import java.util.List;
import java.util.Map;

/**
 * The store gateway's index cache (Thanos' {@code IndexCache}): postings lists of label pairs,
 * expanded postings of whole matcher sets and series entries, per block. Fetches return the hits;
 * stores are best effort (remote caches store asynchronously and never fail the caller).
 */
public interface IndexCache extends AutoCloseable {

  /** The label pair of a postings list. */
  record PostingsKey(String name, String value) {}

  Map<PostingsKey, byte[]> fetchPostings(Ulid block, List<PostingsKey> keys, String tenant);

  void storePostings(Ulid block, PostingsKey key, byte[] value, String tenant);

  /** {@code matchers} is the canonical string of the matcher set. */
  byte[] fetchExpandedPostings(Ulid block, String matchers, String tenant);

  void storeExpandedPostings(Ulid block, String matchers, byte[] value, String tenant);

  Map<Long, byte[]> fetchSeries(Ulid block, long[] refs, int n, String tenant);

  void storeSeries(Ulid block, long ref, byte[] value, String tenant);

  @Override
  default void close() {}

  /** A cache that holds nothing. */
  IndexCache NONE =
      new IndexCache() {
        @Override
        public Map<PostingsKey, byte[]> fetchPostings(
            Ulid block, List<PostingsKey> keys, String tenant) {
          return Map.of();
        }

        @Override
        public void storePostings(Ulid block, PostingsKey key, byte[] value, String tenant) {}

        @Override
        public byte[] fetchExpandedPostings(Ulid block, String matchers, String tenant) {
          return null;
        }

        @Override
        public void storeExpandedPostings(
            Ulid block, String matchers, byte[] value, String tenant) {}

        @Override
        public Map<Long, byte[]> fetchSeries(Ulid block, long[] refs, int n, String tenant) {
          return Map.of();
        }

        @Override
        public void storeSeries(Ulid block, long ref, byte[] value, String tenant) {}
      };
}
