package io.jthanos.block.metadata;

/**
 * A meta.json or marker file whose content does not have the expected shape: names the JSON path,
 * what was expected and what was found. Files that are not JSON at all surface as {@link
 * io.jthanos.tsdb.encoding.CorruptBlockException}.
 */
public class MetaFormatException extends RuntimeException {
  private final String path;
  private final String expected;
  private final String actual;

  public MetaFormatException(String path, String expected, String actual) {
    this(path, expected, actual, "invalid value");
  }

  public MetaFormatException(String path, String expected, String actual, String problem) {
    super(problem + " at " + path + ": expected " + expected + ", got " + actual);
    this.path = path;
    this.expected = expected;
    this.actual = actual;
  }

  public String path() {
    return path;
  }

  public String expected() {
    return expected;
  }

  public String actual() {
    return actual;
  }
}
