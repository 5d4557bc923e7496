package io.tidemark.core.spi;

import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.mapping.ValueEncoding;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.position.Position;
import java.util.List;
import java.util.Optional;

/**
 * The target database of a pipeline, the counterpart of {@link ChangeSource}: {@link #open} gives
 * the handle of one collection's table ({@link TableSink}), as {@link ChangeSource#collection}
 * gives the handle of one source collection. Every write goes through such a handle, in one sink
 * transaction that carries the rows together with the position or progress mark that produced them;
 * nothing writes a position for rows it has not committed.
 *
 * <p>A collection has two tables a handle can write ({@link Target}): the live table, and the
 * shadow table a rebuild fills while the live table keeps serving readers. Each has its own
 * progress and position.
 *
 * <p>Thread-safe: each collection's writers call it from their own threads.
 */
public interface ChangeSink extends AutoCloseable {

  /** Which of a collection's tables a handle writes. */
  enum Target {
    /** The table readers query. */
    LIVE,
    /** The table a rebuild copies into; swapped in for the live table when complete. */
    SHADOW
  }

  /**
   * Creates the target's table if absent, checks an existing one fits the mapping, and returns the
   * handle that writes it. The shadow table is named {@link TableMapping#shadowTable()}. Called at
   * the start of every attempt (a table may have been changed by hand in between); handles of the
   * same table share what the sink knows of it (its evolved columns), so the last one opened is as
   * good as the first.
   *
   * @param mapping the collection's mapping, with the live table's names for both targets
   */
  TableSink open(TableMapping mapping, Target target);

  /**
   * How this sink's database spells the values it is given in rows ({@link
   * io.tidemark.core.mapping.MappedRow#values()}): the pipeline maps documents with it, and core
   * only checks that each value fits its column. The same for the sink's whole life; thread-safe.
   */
  ValueEncoding valueEncoding();

  /**
   * What the sink has committed for a collection's target: copy progress and stream position. Reads
   * only; the table need not exist (a shadow that was never begun has {@link
   * CollectionProgress#none()}).
   */
  CollectionProgress loadProgress(String collection, Target target);

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
