package io.jthanos.tools.bucket;

import io.jthanos.block.Blocks;
import io.jthanos.block.compact.BlockRepair;
import io.jthanos.block.compact.CompactionGroup;
import io.jthanos.block.compact.IndexHealth;
import io.jthanos.block.metadata.Meta;
import io.jthanos.block.metadata.Sources;
import io.jthanos.objstore.Bucket;
import io.jthanos.tsdb.block.BlockFiles;
import io.jthanos.tsdb.block.Ulid;
import io.jthanos.tsdb.block.UlidGenerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The issues {@code tools bucket verify} checks (Thanos' verifier package): {@value
 * #OVERLAPPED_BLOCKS} (verify only), {@value #INDEX_KNOWN_ISSUES} (repair: rewrite the block
 * without the broken chunks, back up and delete the original) and {@value #DUPLICATED_COMPACTION}
 * (repair: back up and delete all but one of blocks with the same range, level, sources and stats).
 * Findings are logged as warnings; the returned report counts them.
 */
final class Verifier {
  static final String OVERLAPPED_BLOCKS = "overlapped_blocks";
  static final String INDEX_KNOWN_ISSUES = "index_known_issues";
  static final String DUPLICATED_COMPACTION = "duplicated_compaction";
  static final List<String> VERIFY_ONLY = List.of(OVERLAPPED_BLOCKS);
  static final List<String> REPAIRABLE = List.of(INDEX_KNOWN_ISSUES, DUPLICATED_COMPACTION);

  private static final Logger LOG = LoggerFactory.getLogger(Verifier.class);

  /** What was found (and repaired) per issue. */
  record Report(Map<String, List<String>> found, Map<String, List<String>> repaired) {}

  private final Bucket bkt;
  private final Bucket backup;
  private final Duration deleteDelay;
  private final Path tmp;
  private final Clock clock;

  Verifier(Bucket bkt, Bucket backup, Duration deleteDelay, Path tmp, Clock clock) {
    this.bkt = bkt;
    this.backup = backup;
    this.deleteDelay = deleteDelay;
    this.tmp = tmp;
    this.clock = clock;
  }

  /**
   * Runs the issues over the complete, not deletion-marked blocks.
   *
   * @param ids blocks to check (null: all)
   * @throws IllegalArgumentException for an unknown issue or id matching on an issue without it
   */
  Report run(List<String> issues, SortedMap<Ulid, Meta> metas, Predicate<Ulid> ids, boolean repair)
      throws IOException {
    Map<String, List<String>> found = new LinkedHashMap<>();
    Map<String, List<String>> repaired = new LinkedHashMap<>();
    for (String issue : issues) {
      if (!VERIFY_ONLY.contains(issue) && !REPAIRABLE.contains(issue)) {
        throw new IllegalArgumentException("no such issue name " + issue);
      }
    }
    for (String issue : issues) {
      boolean fix = repair && REPAIRABLE.contains(issue);
      LOG.atInfo()
          .addKeyValue("issue", issue)
          .addKeyValue("with-repair", fix)
          .log("started verifying issue");
      List<String> f = new ArrayList<>();
      List<String> r = new ArrayList<>();
      switch (issue) {
        case OVERLAPPED_BLOCKS -> overlapped(metas, ids, f);
        case INDEX_KNOWN_ISSUES -> indexIssues(metas, ids, fix, f, r);
        default -> duplicatedCompaction(metas, ids, fix, f, r);
      }
      found.put(issue, f);
      repaired.put(issue, r);
      LOG.atInfo()
          .addKeyValue("issue", issue)
          .addKeyValue("with-repair", fix)
          .log("verified issue");
    }
    return new Report(found, repaired);
  }

  private static Map<String, List<Meta>> groups(SortedMap<Ulid, Meta> metas) {
    Map<String, List<Meta>> g = new TreeMap<>();
    for (Meta m : metas.values()) {
      g.computeIfAbsent(m.thanos().groupKey(), k -> new ArrayList<>()).add(m);
    }
    return g;
  }

  /** Sets of blocks overlapping in time, per group. */
  private static List<List<Meta>> overlapSets(List<Meta> group) {
    List<Meta> sorted = new ArrayList<>(group);
    sorted.sort(Comparator.comparingLong(Meta::minTime).thenComparing(Meta::ulid));
    List<List<Meta>> out = new ArrayList<>();
    List<Meta> cur = new ArrayList<>();
    long maxT = Long.MIN_VALUE;
    for (Meta m : sorted) {
      if (!cur.isEmpty() && m.minTime() < maxT) {
        cur.add(m);
      } else {
        if (cur.size() > 1) {
          out.add(cur);
        }
        cur = new ArrayList<>(List.of(m));
        maxT = Long.MIN_VALUE;
      }
      maxT = Math.max(maxT, m.maxTime());
    }
    if (cur.size() > 1) {
      out.add(cur);
    }
    return out;
  }

  private void overlapped(SortedMap<Ulid, Meta> metas, Predicate<Ulid> ids, List<String> found) {
    if (ids != null) {
      throw new IllegalArgumentException("id matching is not supported");
    }
    for (Map.Entry<String, List<Meta>> e : groups(metas).entrySet()) {
      String overlaps = CompactionGroup.overlaps(e.getValue());
      if (!overlaps.isEmpty()) {
        LOG.atWarn()
            .addKeyValue("group", e.getKey())
            .addKeyValue("overlap", overlaps)
            .log("found overlapped blocks");
        for (List<Meta> set : overlapSets(e.getValue())) {
          found.add(set.stream().map(m -> m.ulid().toString()).toList().toString());
        }
      }
    }
  }

  private void indexIssues(
      SortedMap<Ulid, Meta> metas,
      Predicate<Ulid> ids,
      boolean repair,
      List<String> found,
      List<String> repaired)
      throws IOException {
    for (Meta m : metas.values()) {
      Ulid id = m.ulid();
      if (ids != null && !ids.test(id)) {
        continue;
      }
      Path dir =
          Files.createTempDirectory(Files.createDirectories(tmp), "index-issue-block-" + id + "-");
      try {
        Path index = dir.resolve("index");
        try (var in = bkt.get(id + "/" + Blocks.INDEX_FILENAME)) {
          Files.copy(in, index);
        }
        String err;
        try {
          err = IndexHealth.gather(index, m.minTime(), m.maxTime()).anyError().orElse(null);
        } catch (IOException | RuntimeException e) {
          err = "gather index issues " + id + ": " + e.getMessage();
        }
        if (err == null) {
          LOG.atDebug().addKeyValue("id", id).log("no issue");
          continue;
        }
        LOG.atWarn().addKeyValue("id", id).addKeyValue("err", err).log("detected issue");
        found.add(id + ": " + err);
        if (!repair) {
          continue;
        }
        try {
          Ulid newId = repairIndex(m, dir);
          repaired.add(id + " -> " + newId);
          LOG.atInfo().addKeyValue("id", id).log("all good, continuing");
        } catch (IOException | RuntimeException e) {
          LOG.atError()
              .setCause(e)
              .addKeyValue("err", e.getMessage())
              .log("could not repair index");
        }
      } finally {
        BlockFiles.deleteRecursively(dir);
      }
    }
  }

  private Ulid repairIndex(Meta m, Path dir) throws IOException {
    Ulid id = m.ulid();
    if (m.resolution() > 0) {
      throw new IOException("cannot repair downsampled blocks");
    }
    LOG.atInfo().addKeyValue("id", id).log("downloading block for repair");
    Path src = dir.resolve(id.toString());
    Blocks.download(bkt, id, src);
    LOG.atInfo().addKeyValue("id", id).log("repairing block");
    Ulid newId = UlidGenerator.defaultGenerator().next();
    Meta repaired = BlockRepair.repair(src, dir, newId, Sources.BUCKET_REPAIR, BlockRepair.ALL);
    IndexHealth h =
        IndexHealth.gather(
            dir.resolve(newId.toString()).resolve(Blocks.INDEX_FILENAME),
            repaired.minTime(),
            repaired.maxTime());
    if (h.anyError().isPresent()) {
      throw new IOException("repaired block is invalid " + newId + ": " + h.anyError().get());
    }
    LOG.atInfo().addKeyValue("newID", newId).log("uploading repaired block");
    Blocks.upload(bkt, dir.resolve(newId.toString()), Blocks.UploadOptions.DEFAULT);
    LOG.atInfo().addKeyValue("id", id).log("safe deleting broken block");
    backupAndDelete(id, src);
    return newId;
  }

  private void duplicatedCompaction(
      SortedMap<Ulid, Meta> metas,
      Predicate<Ulid> ids,
      boolean repair,
      List<String> found,
      List<String> repaired)
      throws IOException {
    if (ids != null) {
      throw new IllegalArgumentException("id matching is not supported");
    }
    List<Ulid> toKill = new ArrayList<>();
    for (Map.Entry<String, List<Meta>> g : groups(metas).entrySet()) {
      for (List<Meta> set : overlapSets(g.getValue())) {
        List<List<Meta>> dups = new ArrayList<>();
        for (Meta b : set) {
          boolean added = false;
          for (List<Meta> d : dups) {
            Meta f = d.get(0);
            if (f.minTime() == b.minTime()
                && f.maxTime() == b.maxTime()
                && f.block().compaction().level() == b.block().compaction().level()
                && f.block().compaction().sources().equals(b.block().compaction().sources())
                && Objects.equals(f.block().stats(), b.block().stats())) {
              d.add(b);
              added = true;
              break;
            }
          }
          if (!added) {
            dups.add(new ArrayList<>(List.of(b)));
          }
        }
        boolean any = false;
        for (List<Meta> d : dups) {
          if (d.size() < 2) {
            continue;
          }
          any = true;
          LOG.atWarn()
              .addKeyValue("group", g.getKey())
              .addKeyValue("kill", d.subList(1, d.size()).stream().map(Meta::ulid).toList())
              .log("found duplicated blocks");
          for (Meta k : d.subList(1, d.size())) {
            if (!toKill.contains(k.ulid())) {
              toKill.add(k.ulid());
            }
          }
        }
        if (!any) {
          LOG.atWarn()
              .addKeyValue("group", g.getKey())
              .addKeyValue("overlap", set.stream().map(Meta::ulid).toList())
              .log(
                  "found overlapped blocks, but all of the blocks are unique. Seems like unrelated"
                      + " issue. Ignoring overlap");
        }
      }
    }
    toKill.forEach(id -> found.add(id.toString()));
    LOG.atWarn()
        .addKeyValue("ULIDs", toKill)
        .addKeyValue("num", toKill.size())
        .log("Found duplicated blocks that are ok to be removed");
    if (!repair) {
      return;
    }
    for (Ulid id : toKill) {
      Path dir = Files.createTempDirectory(Files.createDirectories(tmp), "safe-delete-" + id + "-");
      try {
        Path src = dir.resolve(id.toString());
        Blocks.download(bkt, id, src);
        backupAndDelete(id, src);
        repaired.add(id.toString());
        LOG.atInfo().addKeyValue("id", id).log("Removed duplicated block");
      } finally {
        BlockFiles.deleteRecursively(dir);
      }
    }
  }

  /**
   * Copies the downloaded block to the backup bucket (refusing when it is there already), then
   * deletes it from the bucket, or marks it for deletion when the delete delay is not zero.
   */
  private void backupAndDelete(Ulid id, Path downloaded) throws IOException {
    if (!backup.list(id + "/", true).isEmpty()) {
      throw new IOException(
          id
              + " dir seems to exists in backup bucket. Remove this block manually if you are sure"
              + " it is safe to do");
    }
    Blocks.upload(backup, downloaded, Blocks.UploadOptions.DEFAULT.withoutExternalLabelCheck());
    if (deleteDelay.isZero()) {
      LOG.atInfo().addKeyValue("id", id).log("deleting block");
      Blocks.delete(bkt, id);
    } else {
      LOG.atInfo().addKeyValue("id", id).log("marking block for deletion");
      Blocks.markForDeletion(bkt, id, "block backed up and repaired", clock);
    }
  }

  static Set<String> all() {
    return Set.of(OVERLAPPED_BLOCKS, INDEX_KNOWN_ISSUES, DUPLICATED_COMPACTION);
  }
}
