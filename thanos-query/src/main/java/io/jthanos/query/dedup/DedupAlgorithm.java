package io.jthanos.query.dedup;

/** How replicas of one series are merged ({@code --deduplication.func}). */
public enum DedupAlgorithm {
  /**
   * Thanos' default: follow one replica and switch to another only across gaps longer than about
   * twice the followed replica's sampling interval (no interleaving of two scrape phases).
   */
  PENALTY("penalty"),
  /**
   * Prometheus' chained merge: every distinct timestamp of any replica, the first replica's value
   * on a tie. Meant for data replicated sample by sample (receivers).
   */
  CHAIN("chain");

  private final String flag;

  DedupAlgorithm(String flag) {
    this.flag = flag;
  }

  public String flag() {
    return flag;
  }

  /** Parses the flag value ({@code penalty} or {@code chain}). */
  public static DedupAlgorithm fromFlag(String v) {
    for (DedupAlgorithm a : values()) {
      if (a.flag.equals(v)) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "invalid deduplication algorithm \"" + v + "\": expected penalty or chain");
  }

  /**
   * Whether the function wrapping a selection treats the series as a counter: then the penalty
   * merge never lets a value go down when switching replica.
   */
  public static boolean isCounterFunction(String func) {
    return switch (func) {
      case "rate", "increase", "irate", "resets" -> true;
      default -> false;
    };
  }
}
