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
   *
   * @param splitKeys the copy's range boundaries in key order, from {@link
   *     CollectionSource#splitKeys(int)}: {@code n} keys make {@code n + 1} ranges, range {@code i}
   *     holding the keys after {@code splitKeys[i - 1]} up to and including {@code splitKeys[i]}.
   *     Each range records its own progress, so ranges can be copied in parallel and each resumes
   *     on its own.
   */
  void beginSnapshot(
      String collection,
      Target target,
      ClusterTime startTime,
      long estimatedRows,
      List<String> splitKeys);

  /** {@link #beginSnapshot(String, Target, ClusterTime, long, List)} with one range. */
  default void beginSnapshot(
      String collection, Target target, ClusterTime startTime, long estimatedRows) {
    beginSnapshot(collection, target, startTime, estimatedRows, List.of());
  }

  /**
   * Appends copied rows of one range, and records {@code markAfterLast} as the point to resume that
   * range from (and, when {@code rangeDone}, that the range is complete), in one transaction.
   * Chunks of one range are written in key order by one thread; different ranges may be written at
   * the same time from different threads.
   */
  void writeSnapshotChunk(
      String collection,
      Target target,
      int range,
      List<RowChange> rows,
      String markAfterLast,
      boolean rangeDone);

  /**
   * Marks the copy complete and sets the stream position to start from, in one transaction. The
   * sink refuses to mark a copy done while any of its ranges is unfinished: it commits nothing and
   * throws {@link io.tidemark.core.error.ErrorCode#INTERNAL} naming each unfinished range.
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

  /**
   * The committed state of a collection's target.
   *
   * @param snapshotRowsCopied rows committed by the copy so far, over all ranges
   * @param ranges the running or finished copy's ranges in key order; empty when none
   */
  record CollectionProgress(
      SnapshotState snapshotState,
      ClusterTime snapshotStartTime,
      long snapshotRowsCopied,
      long snapshotRowsEstimated,
      ClusterTime consistentAfter,
      Optional<Position> position,
      List<RangeProgress> ranges) {

    public CollectionProgress {
      ranges = List.copyOf(ranges);
    }

    public static CollectionProgress none() {
      return new CollectionProgress(
          SnapshotState.NONE, null, 0, 0, null, Optional.empty(), List.of());
    }
  }

  /**
   * Where one range of a copy stands.
   *
   * @param range the range's number, 0 for the first
   * @param resumeAfter the mark to continue after (the range's lower bound before its first chunk;
   *     null for the first range before its first chunk)
   * @param upTo the range's upper bound, inclusive; null for the last range
   * @param rowsCopied rows this range has committed
   * @param done whether the range is complete
   */
  record RangeProgress(int range, String resumeAfter, String upTo, long rowsCopied, boolean done) {}

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
