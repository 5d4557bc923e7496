package io.tidemark.core.pipeline;

import io.tidemark.core.position.Position;
import java.time.Instant;

/**
 * A moment's picture of one collection, for status output, health and tests.
 *
 * @param collection source collection
 * @param table target table
 * @param state where it is in its life
 * @param rowsCopied rows committed by the current or last copy
 * @param rowsEstimated the source's estimate of the copy's size
 * @param copyRatePerSecond rows per second of the copy so far (0 when not copying)
 * @param eventsApplied change events committed since the daemon started
 * @param deadLetters documents sent to the dead-letter table since the daemon started
 * @param position the last committed stream position, or null
 * @param lastCommitAt wall time of the last sink commit, or null
 * @param lastError the last error's message, or null
 * @param rebuild the progress of a running rebuild (its shadow table's copy and stream), or null
 */
public record CollectionStatus(
    String collection,
    String table,
    CollectionState state,
    long rowsCopied,
    long rowsEstimated,
    double copyRatePerSecond,
    long eventsApplied,
    long deadLetters,
    Position position,
    Instant lastCommitAt,
    String lastError,
    CollectionStatus rebuild) {

  /** The same status with a rebuild's progress attached. */
  public CollectionStatus withRebuild(CollectionStatus rebuildStatus) {
    return new CollectionStatus(
        collection,
        table,
        state,
        rowsCopied,
        rowsEstimated,
        copyRatePerSecond,
        eventsApplied,
        deadLetters,
        position,
        lastCommitAt,
        lastError,
        rebuildStatus);
  }

  /**
   * Seconds between the source time of the last committed position and now: how far the table
   * trails the source. -1 before anything was committed.
   */
  public long lagSeconds() {
    if (position == null) {
      return -1;
    }
    return Math.max(0, Instant.now().getEpochSecond() - position.clusterTime().seconds());
  }

  /** Seconds left for the copy at its current rate, or -1 when unknown. */
  public long copyEtaSeconds() {
    if (state != CollectionState.SNAPSHOTTING || copyRatePerSecond <= 0) {
      return -1;
    }
    return Math.max(0, Math.round((rowsEstimated - rowsCopied) / copyRatePerSecond));
  }
}
