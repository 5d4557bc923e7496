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
 * <p>Every method names its {@link Target}: the live table, or the shadow table a rebuild fills
 * while the live table keeps serving readers. Each target has its own progress and position.
 *
 * <p>Thread-safe: each collection's writers call it from their own threads, for their own
 * collection and target.
 */
public interface ChangeSink extends AutoCloseable {

  /** Which of a collection's tables a call is about. */
  enum Target {
    /** The table readers query. */
    LIVE,
    /** The table a rebuild copies into; swapped in for the live table when complete. */
    SHADOW
  }

  /**
   * Creates the target's table if absent and checks an existing one fits the mapping. The shadow
   * table is named {@link TableMapping#shadowTable()}.
   */
  void prepareTable(TableMapping mapping, Target target);

  /** What the sink has committed for a collection's target: copy progress and stream position. */
  CollectionProgress loadProgress(String collection, Target target);

  /**
   * Records that a copy begins at source time {@code startTime}; clears any earlier copy's marks
   * and position. For the shadow target it also empties the shadow table.
   */
  void beginSnapshot(String collection, Target target, ClusterTime startTime, long estimatedRows);

  /**
   * Appends copied rows, and records {@code markAfterLast} as the point to resume the copy from, in
   * one transaction.
   */
  void writeSnapshotChunk(
      String collection,
      Target target,
      List<RowChange> rows,
      String markAfterLast,
      long rowsCopiedTotal);

  /**
   * Marks the copy complete and sets the stream position to start from, in one transaction.
   *
   * @param streamStart where the change stream starts (the copy's start time)
   * @param copyEndTime the source time when the copy ended: the table is consistent once the stream
   *     has applied past it
   */
  void finishSnapshot(
      String collection, Target target, Position streamStart, ClusterTime copyEndTime);

  /**
   * Applies the changes and moves the target's position to {@code position}, in one transaction.
   * The changes hold at most one entry per key. An empty list only moves the position. A position
   * older than the committed one is never stored.
   */
  void applyBatch(String collection, Target target, List<RowChange> changes, Position position);

  /**
   * Makes the shadow table the live one, in one transaction: the shadow table takes the live
   * table's name, the old live table is dropped, and the shadow's progress and position become the
   * live ones. Readers see the old table until the commit and the new one after it.
   */
  void swapShadow(TableMapping mapping);

  /** Drops the shadow table and forgets its progress (a rebuild that is abandoned). */
  void discardShadow(TableMapping mapping);

  @Override
  void close();

  /** The committed state of a collection's target. */
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
