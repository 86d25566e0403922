package io.jthanos.block.compact;

import io.jthanos.block.metadata.Meta;
import java.io.IOException;
import java.util.List;

/** Chooses the next set of blocks of one compaction group to compact into one. */
public interface Planner {
  /**
   * The blocks to compact next (empty: nothing to do).
   *
   * @param metasByMinTime the group's blocks ordered by minTime
   */
  List<Meta> plan(List<Meta> metasByMinTime) throws IOException;
}
