package io.jthanos.block;

import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.testing.InMemoryBucket;

class InMemoryBlockTransferTest extends AbstractBlockTransferTest {
  @Override
  protected Bucket newBucket() {
    return new InMemoryBucket();
  }
}
