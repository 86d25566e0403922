package io.jthanos.objstore.filesystem;

import io.jthanos.objstore.Bucket;
import io.jthanos.objstore.BucketException;
import io.jthanos.objstore.FileRangeInputStream;
import io.jthanos.objstore.InvalidObjectNameException;
import io.jthanos.objstore.NameIterator;
import io.jthanos.objstore.ObjectAttributes;
import io.jthanos.objstore.ObjectName;
import io.jthanos.objstore.ObjectNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bucket in a local directory ({@code type: FILESYSTEM}, {@code directory:}), for tests and
 * single-machine setups. An object is a file at its name below the directory. Uploads write a
 * temporary file under {@value #TMP_DIR}, fsync it and rename it into place atomically, so a reader
 * sees the old or the new object, never half of one. Range reads seek; they never read the whole
 * file.
 */
public final class FilesystemBucket implements Bucket {
  /** Where uploads are written before their atomic rename; never listed. */
  public static final String TMP_DIR = ".jthanos-uploads";

  private static final Logger LOG = LoggerFactory.getLogger(FilesystemBucket.class);
  private static final Duration STALE_UPLOAD = Duration.ofHours(1);

  private final Path root;

  public FilesystemBucket(Path directory) throws IOException {
    this.root = directory.toAbsolutePath().normalize();
    removeStaleUploads();
  }

  public Path root() {
    return root;
  }

  /** Uploads cut short by a crash leave a temp file; an hour later it is surely abandoned. */
  private void removeStaleUploads() throws IOException {
    Path tmp = root.resolve(TMP_DIR);
    if (!Files.isDirectory(tmp)) {
      return;
    }
    Instant cutoff = Instant.now().minus(STALE_UPLOAD);
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmp)) {
      for (Path p : ds) {
        try {
          if (Files.getLastModifiedTime(p).toInstant().isBefore(cutoff)) {
            Files.deleteIfExists(p);
            LOG.atInfo().addKeyValue("file", p).log("removed abandoned partial upload");
          }
        } catch (IOException e) {
          LOG.atWarn().addKeyValue("file", p).setCause(e).log("cannot remove partial upload");
        }
      }
    }
  }

  private Path resolve(String name) {
    try {
      Path p = root.resolve(name).normalize();
      if (!p.startsWith(root) || p.equals(root) && !name.isEmpty() && !name.equals("/")) {
        throw new InvalidObjectNameException(name, "outside the bucket directory");
      }
      return p;
    } catch (InvalidPathException e) {
      throw new InvalidObjectNameException(name, e.getReason());
    }
  }

  private Path objectPath(String name) {
    if (name == null || name.isEmpty()) {
      throw new InvalidObjectNameException(name, "empty name");
    }
    Path p = resolve(name);
    if (p.equals(root) || p.startsWith(root.resolve(TMP_DIR))) {
      throw new InvalidObjectNameException(name, "not an object name");
    }
    return p;
  }

  @Override
  public NameIterator iter(String dir, boolean recursive) throws IOException {
    String prefix = ObjectName.dirPrefix(dir);
    Path start = prefix.isEmpty() ? root : resolve(prefix.substring(0, prefix.length() - 1));
    if (!Files.isDirectory(start)) {
      return NameIterator.of(List.of());
    }
    return new DirWalk(start, prefix, recursive);
  }

  /** Depth-first walk with each directory's entries sorted: yields names in global UTF-8 order. */
  private final class DirWalk implements NameIterator {
    private final boolean recursive;
    private final Deque<ArrayDeque<Entry>> stack = new ArrayDeque<>();
    private String cur;

    private record Entry(String name, Path path, boolean dir) {}

    DirWalk(Path start, String prefix, boolean recursive) throws IOException {
      this.recursive = recursive;
      push(start, prefix);
    }

    private void push(Path dir, String prefix) throws IOException {
      List<Entry> entries = new ArrayList<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
        for (Path p : ds) {
          String fn = p.getFileName().toString();
          if (dir.equals(root) && fn.equals(TMP_DIR)) {
            continue;
          }
          boolean isDir = Files.isDirectory(p);
          entries.add(new Entry(prefix + fn + (isDir ? "/" : ""), p, isDir));
        }
      } catch (NoSuchFileException | NotDirectoryException e) {
        // Removed while listing: nothing to list.
      }
      entries.sort((a, b) -> ObjectName.compareUtf8(a.name, b.name));
      stack.push(new ArrayDeque<>(entries));
    }

    @Override
    public boolean next() throws IOException {
      while (!stack.isEmpty()) {
        Entry e = stack.peek().poll();
        if (e == null) {
          stack.pop();
          continue;
        }
        if (!e.dir) {
          cur = e.name;
          return true;
        }
        if (recursive) {
          push(e.path, e.name);
          continue;
        }
        if (!isEmptyDir(e.path)) {
          cur = e.name;
          return true;
        }
      }
      cur = null;
      return false;
    }

    @Override
    public String at() {
      return cur;
    }
  }

  private static boolean isEmptyDir(Path p) throws IOException {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
      return !ds.iterator().hasNext();
    } catch (NoSuchFileException | NotDirectoryException e) {
      return true;
    }
  }

  /**
   * Opens without a separate stat: on Linux a directory opens too, and is then reported as not
   * found by the first read (see {@link FileRangeInputStream}).
   */
  private FileChannel open(String name) throws IOException {
    Path p = objectPath(name);
    try {
      return FileChannel.open(p, StandardOpenOption.READ);
    } catch (NoSuchFileException | NotDirectoryException e) {
      throw new ObjectNotFoundException(name, e);
    } catch (IOException e) {
      if (Files.isDirectory(p)) {
        throw new ObjectNotFoundException(name, e);
      }
      throw e;
    }
  }

  @Override
  public InputStream get(String name) throws IOException {
    return new FileRangeInputStream(open(name), 0, Long.MAX_VALUE, name);
  }

  @Override
  public InputStream getRange(String name, long offset, long length) throws IOException {
    ObjectName.checkRange(offset, length);
    FileChannel ch = open(name);
    return new FileRangeInputStream(ch, offset, length == -1 ? Long.MAX_VALUE : length, name);
  }

  @Override
  public boolean exists(String name) throws IOException {
    return Files.isRegularFile(objectPath(name));
  }

  @Override
  public ObjectAttributes attributes(String name) throws IOException {
    Path p = objectPath(name);
    try {
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
      if (a.isDirectory()) {
        throw new ObjectNotFoundException(name, null);
      }
      return new ObjectAttributes(a.size(), a.lastModifiedTime().toInstant());
    } catch (NoSuchFileException | NotDirectoryException e) {
      throw new ObjectNotFoundException(name, e);
    }
  }

  @Override
  public void upload(String name, InputStream in, long length) throws IOException {
    ObjectName.validate(name);
    Path target = objectPath(name);
    Path tmp = tempFile();
    try {
      long n;
      try (FileChannel ch =
          FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        n = copy(in, ch);
        ch.force(true);
      }
      if (length >= 0 && n != length) {
        throw new BucketException(
            "upload " + name + ": stream gave " + n + " bytes, expected " + length, null);
      }
      publish(tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public void upload(String name, Path file) throws IOException {
    ObjectName.validate(name);
    Path target = objectPath(name);
    Path tmp = tempFile();
    try {
      // In-kernel copy (copy_file_range/sendfile) where the platform has it.
      Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      publish(tmp, target);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static long copy(InputStream in, FileChannel ch) throws IOException {
    byte[] buf = new byte[1 << 20];
    ByteBuffer bb = ByteBuffer.wrap(buf);
    long total = 0;
    int n;
    while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
      bb.clear().limit(n);
      while (bb.hasRemaining()) {
        ch.write(bb);
      }
      total += n;
    }
    return total;
  }

  private Path tempFile() throws IOException {
    Path dir = root.resolve(TMP_DIR);
    Files.createDirectories(dir);
    Path tmp = dir.resolve(UUID.randomUUID() + ".tmp");
    Files.createFile(tmp);
    return tmp;
  }

  /** Renames into place; retries when a concurrent delete removed the parent directory. */
  private void publish(Path tmp, Path target) throws IOException {
    for (int attempt = 0; ; attempt++) {
      try {
        Files.createDirectories(target.getParent());
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
          throw new BucketException(
              "upload " + root.relativize(target) + ": a directory has that name", null);
        }
        try {
          Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          throw new BucketException("filesystem cannot rename atomically: " + root, e);
        }
        syncDir(target.getParent());
        return;
      } catch (NoSuchFileException | FileAlreadyExistsException e) {
        if (attempt >= 10) {
          throw e;
        }
      }
    }
  }

  private static void syncDir(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Not every platform can fsync a directory; the rename itself is atomic.
    }
  }

  @Override
  public void delete(String name) throws IOException {
    Path p = objectPath(name);
    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      throw new ObjectNotFoundException(name, null);
    }
    try {
      Files.delete(p);
    } catch (NoSuchFileException | NotDirectoryException e) {
      throw new ObjectNotFoundException(name, e);
    }
    // Directories exist only through their objects: drop the ones left empty.
    for (Path d = p.getParent(); d != null && !d.equals(root) && d.startsWith(root); ) {
      try {
        Files.delete(d);
      } catch (DirectoryNotEmptyException | NoSuchFileException e) {
        break;
      }
      d = d.getParent();
    }
  }

  @Override
  public String name() {
    return root.getFileName() == null ? root.toString() : root.getFileName().toString();
  }

  @Override
  public void close() {}

  @Override
  public String toString() {
    return "filesystem(" + root + ")";
  }
}
