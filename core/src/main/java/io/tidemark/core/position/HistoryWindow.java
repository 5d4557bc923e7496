package io.tidemark.core.position;

/**
 * The stretch of source history a stream can still resume from (MongoDB: the oplog's first and last
 * entries). A position older than {@code oldest} cannot be resumed.
 */
public record HistoryWindow(ClusterTime oldest, ClusterTime newest) {
  public long seconds() {
    return Math.max(0, newest.seconds() - oldest.seconds());
  }
}
