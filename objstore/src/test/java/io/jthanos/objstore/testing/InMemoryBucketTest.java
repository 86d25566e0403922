package io.jthanos.objstore.testing;

import io.jthanos.objstore.Bucket;

class InMemoryBucketTest extends AbstractBucketContractTest {
  @Override
  protected Bucket newBucket() {
    return new InMemoryBucket();
  }
}
