package io.jthanos.store;

import io.jthanos.block.Blocks;
import io.jthanos.block.metadata.Meta;
import io.jthanos.block.metadata.ThanosMeta;
import io.jthanos.objstore.Bucket;
import io.jthanos.testing.prometheus.Promtool;
import io.jthanos.tsdb.block.Ulid;
import io.jthanos.tsdb.labels.Labels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Blocks written by the real promtool, uploaded into buckets with chosen external labels. */
final class GatewayFixtures {
  private GatewayFixtures() {}

  /** {@code promtool tsdb create-blocks-from openmetrics} of {@code om} into {@code dir}. */
  static Path promtoolBlocks(Path dir, String om) throws IOException {
    Promtool promtool = Promtool.locate();
    Files.createDirectories(dir);
    Path file = dir.resolveSibling(dir.getFileName() + ".om");
    Files.writeString(file, om);
    promtool.createBlocksFromOpenMetrics(file, dir, null);
    return dir;
  }

  /** The block directories in {@code dir}. */
  static List<Path> blockDirs(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (Ulid.isValid(p.getFileName().toString())) {
          out.add(p);
        }
      }
    }
    out.sort(null);
    return out;
  }

  /**
   * Uploads every block of {@code dir} with {@code labels} as its Thanos external labels (copies
   * are made in {@code scratch}; the source blocks stay untouched).
   */
  static List<Meta> upload(Bucket bkt, Path dir, Labels labels, long resolution, Path scratch)
      throws IOException {
    List<Meta> out = new ArrayList<>();
    for (Path b : blockDirs(dir)) {
      Path copy = scratch.resolve(b.getFileName().toString());
      copyTree(b, copy);
      Meta m = Meta.read(copy);
      Map<String, String> l = labels.toMap();
      m = m.withThanos(ThanosMeta.of(l, resolution, "test"));
      Files.delete(copy.resolve(Meta.FILE_NAME));
      m.write(copy);
      Blocks.UploadOptions opts = Blocks.UploadOptions.DEFAULT;
      if (l.isEmpty()) {
        opts = opts.withoutExternalLabelCheck();
      }
      out.add(Blocks.upload(bkt, copy, opts));
    }
    return out;
  }

  /** Writes a small block (one series, 15s samples over [mint, maxt)) into {@code dir}. */
  static Path writeBlock(Path dir, Ulid id, Labels series, long mint, long maxt)
      throws IOException {
    try (io.jthanos.tsdb.block.BlockWriter w =
        io.jthanos.tsdb.block.BlockWriter.builder(dir).ulid(id).timeRange(mint, maxt).build()) {
      int n = (int) ((maxt - mint) / 15_000);
      long[] ts = new long[n];
      double[] vs = new double[n];
      for (int i = 0; i < n; i++) {
        ts[i] = mint + i * 15_000L;
        vs[i] = i;
      }
      w.addSeries(series, ts, vs);
      w.commit();
    }
    return dir.resolve(id.toString());
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
