package io.tidemark.core.spi;

import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.position.Position;
import io.tidemark.core.spi.ChangeSink.CollectionProgress;
import io.tidemark.core.spi.ChangeSink.Target;
import java.util.List;

/**
 * One collection's table in the target database (the live table or a rebuild's shadow), from {@link
 * ChangeSink#open}: the counterpart of {@link CollectionSource}. Each write method is one sink
 * transaction that carries the rows together with the position or progress mark that produced them.
 *
 * <p>Thread-safe: the chunks of different copy ranges may be written from different threads at the
 * same time; batches of the stream come from one thread at a time. Every method may block on the
 * network and throws {@link io.tidemark.core.error.TidemarkException} with a retriable code when
 * the database is unreachable or a lock conflict ended the transaction.
 */
public interface TableSink {

  /** The collection's mapping, with the live table's names (also for a shadow). */
  TableMapping mapping();

  Target target();

  /** The name of the table this handle writes. */
  default String table() {
    return target() == Target.SHADOW ? mapping().shadowTable() : mapping().table();
  }

  /** What this table has committed: copy progress and stream position. */
  CollectionProgress loadProgress();

  /**
   * Records that a copy begins at source time {@code startTime}; clears any earlier copy's marks
   * and position. For a shadow it also empties the table.
   *
   * @param splitKeys the copy's range boundaries in key order, from {@link
   *     CollectionSource#splitKeys(int)}: {@code n} keys make {@code n + 1} ranges, range {@code i}
   *     holding the keys after {@code splitKeys[i - 1]} up to and including {@code splitKeys[i]}.
   *     Each range records its own progress, so ranges can be copied in parallel and each resumes
   *     on its own.
   */
  void beginSnapshot(ClusterTime startTime, long estimatedRows, List<String> splitKeys);

  /** {@link #beginSnapshot(ClusterTime, long, List)} with one range. */
  default void beginSnapshot(ClusterTime startTime, long estimatedRows) {
    beginSnapshot(startTime, estimatedRows, List.of());
  }

  /**
   * Appends copied rows of one range, and records {@code markAfterLast} as the point to resume that
   * range from (and, when {@code rangeDone}, that the range is complete), in one transaction.
   * Chunks of one range are written in key order by one thread; different ranges may be written at
   * the same time from different threads.
   */
  void writeSnapshotChunk(int range, List<RowChange> rows, String markAfterLast, boolean rangeDone);

  /**
   * Marks the copy complete and sets the stream position to start from, in one transaction. The
   * sink refuses to mark a copy done while any of its ranges is unfinished: it commits nothing and
   * throws {@link io.tidemark.core.error.ErrorCode#INTERNAL} naming each unfinished range.
   *
   * @param streamStart where the change stream starts (the copy's start time)
   * @param copyEndTime the source time when the copy ended: the table is consistent once the stream
   *     has applied past it
   */
  void finishSnapshot(Position streamStart, ClusterTime copyEndTime);

  /**
   * Applies the changes and moves the position to {@code position}, in one transaction. The changes
   * hold at most one entry per key. An empty list only moves the position. A position older than
   * the committed one is never stored.
   */
  void applyBatch(List<RowChange> changes, Position position);

  /**
   * A shadow only: makes it the live table, in one transaction. The shadow table takes the live
   * table's name, the old live table is dropped, and the shadow's progress and position become the
   * live ones. Readers see the old table until the commit and the new one after it. This handle
   * writes nothing afterwards; the live table is opened anew.
   *
   * @throws IllegalStateException on a handle of the live table
   */
  void swapIn();

  /**
   * A shadow only: drops the table and forgets its progress (a rebuild that is abandoned).
   *
   * @throws IllegalStateException on a handle of the live table
   */
  void discard();
}
