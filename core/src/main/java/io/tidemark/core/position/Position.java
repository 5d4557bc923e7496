package io.tidemark.core.position;

import java.util.Objects;

/**
 * Where a collection's change stream stands. The token is opaque to core: the source writes it and
 * is the only one that reads it back. Core orders positions by {@link #clusterTime()} only.
 *
 * @param token the source's serialised resume position (for MongoDB: a resume token or a start
 *     operation time, with how to resume from it)
 * @param clusterTime the source time of the last change this position covers
 */
public record Position(String token, ClusterTime clusterTime) {
  public Position {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(clusterTime, "clusterTime");
  }

  public boolean isAfter(Position other) {
    return other == null || clusterTime.isAfter(other.clusterTime);
  }
}
