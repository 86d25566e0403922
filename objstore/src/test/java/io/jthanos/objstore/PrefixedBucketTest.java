package io.jthanos.objstore;

import static org.assertj.core.api.Assertions.assertThat;

import io.jthanos.objstore.testing.AbstractBucketContractTest;
import io.jthanos.objstore.testing.InMemoryBucket;
import org.junit.jupiter.api.Test;

/** The contract holds through a prefix, and nothing outside the prefix is seen or touched. */
class PrefixedBucketTest extends AbstractBucketContractTest {
  private InMemoryBucket inner;

  @Override
  protected Bucket newBucket() throws Exception {
    inner = new InMemoryBucket();
    inner.upload("outside", new byte[] {1});
    inner.upload("tenant-a-sibling/x", new byte[] {1});
    return PrefixedBucket.wrap(inner, "/tenant-a/");
  }

  @Test
  void namesLandUnderThePrefix() throws Exception {
    put("id1/obj", "x");
    assertThat(inner.objects().keySet())
        .containsExactly("outside", "tenant-a-sibling/x", "tenant-a/id1/obj");
    assertThat(bucket.list("", false)).containsExactly("id1/");
    assertThat(PrefixedBucket.wrap(inner, "")).isSameAs(inner);
    assertThat(PrefixedBucket.wrap(inner, "/")).isSameAs(inner);
  }
}
