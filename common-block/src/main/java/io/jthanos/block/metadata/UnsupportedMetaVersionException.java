package io.jthanos.block.metadata;

import io.jthanos.tsdb.encoding.CorruptBlockException;
import java.nio.file.Path;

/**
 * A meta.json with a {@code version} other than 1. Thanos counts such blocks as failed (not as
 * corrupted): a newer format may be valid for a newer reader.
 */
public class UnsupportedMetaVersionException extends CorruptBlockException {
  public UnsupportedMetaVersionException(Path file, long version) {
    super(file, 0, "unexpected meta file version", 1, version);
  }
}
