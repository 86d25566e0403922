package io.jthanos.block;

import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.filesystem.FilesystemBucket;

class FilesystemBlockTransferTest extends AbstractBlockTransferTest {
  @Override
  protected Bucket newBucket() throws Exception {
    return new FilesystemBucket(tmp.resolve("bucket-" + System.nanoTime()));
  }
}
