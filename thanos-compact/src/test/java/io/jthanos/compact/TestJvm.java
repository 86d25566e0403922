package io.jthanos.compact;

/**
 * JVM flags for the compactor processes the tests start: their jobs are small, so C1 alone and the
 * serial collector spend less CPU than full tiered compilation on the shared CI cores.
 */
final class TestJvm {
  static final String[] ARGS = {"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"};

  private TestJvm() {}
}
