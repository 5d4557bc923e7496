package io.tidemark.core.spi;

import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.position.Position;
import java.util.List;
import java.util.Optional;

/**
 * The target database of a pipeline. Every write method is one sink transaction that carries the
 * rows together with the position or progress mark that produced them; nothing writes a position
 * for rows it has not committed.
 *
 * <p>Thread-safe: each collection's writer calls it from its own thread, for its own collection.
 */
public interface ChangeSink extends AutoCloseable {

  /** Creates the collection's table if absent and checks an existing one fits the mapping. */
  void prepareTable(TableMapping mapping);

  /** What the sink has committed for a collection: snapshot progress and stream position. */
  CollectionProgress loadProgress(String collection);

  /**
   * Records that a copy begins at source time {@code startTime}; clears any earlier copy's marks.
   */
  void beginSnapshot(String collection, ClusterTime startTime, long estimatedRows);

  /**
   * Appends copied rows, and records {@code markAfterLast} as the point to resume the copy from, in
   * one transaction.
   */
  void writeSnapshotChunk(
      String collection, List<RowChange> rows, String markAfterLast, long rowsCopiedTotal);

  /**
   * Marks the copy complete and sets the stream position to start from, in one transaction.
   *
   * @param streamStart where the change stream starts (the copy's start time)
   * @param copyEndTime the source time when the copy ended: the table is consistent once the stream
   *     has applied past it
   */
  void finishSnapshot(String collection, Position streamStart, ClusterTime copyEndTime);

  /**
   * Applies the changes and moves the collection's position to {@code position}, in one
   * transaction. The changes hold at most one entry per key. An empty list only moves the position.
   * A position older than the committed one is never stored.
   */
  void applyBatch(String collection, List<RowChange> changes, Position position);

  @Override
  void close();

  /** The committed state of a collection. */
  record CollectionProgress(
      SnapshotState snapshotState,
      ClusterTime snapshotStartTime,
      String snapshotResumeMark,
      long snapshotRowsCopied,
      long snapshotRowsEstimated,
      ClusterTime consistentAfter,
      Optional<Position> position) {

    public static CollectionProgress none() {
      return new CollectionProgress(SnapshotState.NONE, null, null, 0, 0, null, Optional.empty());
    }
  }

  /** Where a collection's copy stands. */
  enum SnapshotState {
    /** Never started. */
    NONE,
    /** Started and not finished: resume from the mark. */
    RUNNING,
    /** Finished: stream from the position. */
    DONE
  }
}
