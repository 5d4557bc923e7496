package io.tidemark.core.position;

import java.time.Instant;

/**
 * A point in the source's logical clock: seconds since the epoch plus an increment that orders
 * operations inside one second (MongoDB's BSON Timestamp).
 */
public record ClusterTime(long seconds, long increment) implements Comparable<ClusterTime> {

  public static final ClusterTime ZERO = new ClusterTime(0, 0);

  public ClusterTime {
    if (seconds < 0 || increment < 0) {
      throw new IllegalArgumentException(
          "cluster time parts must be >= 0: " + seconds + "/" + increment);
    }
  }

  /** Both parts packed into one sortable number, as MongoDB's Timestamp does. */
  public long packed() {
    return (seconds << 32) | (increment & 0xFFFFFFFFL);
  }

  public static ClusterTime ofPacked(long packed) {
    return new ClusterTime(packed >>> 32, packed & 0xFFFFFFFFL);
  }

  public Instant toInstant() {
    return Instant.ofEpochSecond(seconds);
  }

  public boolean isAfter(ClusterTime other) {
    return compareTo(other) > 0;
  }

  @Override
  public int compareTo(ClusterTime o) {
    int bySeconds = Long.compare(seconds, o.seconds);
    return bySeconds != 0 ? bySeconds : Long.compare(increment, o.increment);
  }

  @Override
  public String toString() {
    return seconds + "." + increment + " (" + toInstant() + ")";
  }
}
