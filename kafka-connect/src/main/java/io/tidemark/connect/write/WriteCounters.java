package io.tidemark.connect.write;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What a writer did with the records it was given, for logs, metrics and the tests' exactly-once
 * checks. The committed count per partition lives in the database ({@code records_applied}); these
 * count what this process saw, including what it dropped.
 */
public final class WriteCounters {
  private final AtomicLong recordsApplied = new AtomicLong();
  private final AtomicLong rowChanges = new AtomicLong();
  private final AtomicLong bulkBatches = new AtomicLong();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong skippedCommitted = new AtomicLong();
  private final AtomicLong droppedNotOwned = new AtomicLong();
  private final AtomicLong skippedNoChange = new AtomicLong();
  private final AtomicLong deadLettered = new AtomicLong();
  private final AtomicLong fenced = new AtomicLong();
  private final AtomicLong patched = new AtomicLong();

  void applied(long records, long changes, boolean bulk) {
    recordsApplied.addAndGet(records);
    rowChanges.addAndGet(changes);
    batches.incrementAndGet();
    if (bulk) {
      bulkBatches.incrementAndGet();
    }
  }

  void skippedCommitted(long n) {
    skippedCommitted.addAndGet(n);
  }

  void droppedNotOwned(long n) {
    droppedNotOwned.addAndGet(n);
  }

  void skippedNoChange(long n) {
    skippedNoChange.addAndGet(n);
  }

  void deadLettered(long n) {
    deadLettered.addAndGet(n);
  }

  void patched(long n) {
    patched.addAndGet(n);
  }

  void fenced(long n) {
    fenced.addAndGet(n);
  }

  /** Records committed by this process's transactions. */
  public long recordsApplied() {
    return recordsApplied.get();
  }

  /** Committed transactions, and those of them written by bulk load. */
  public long batches() {
    return batches.get();
  }

  public long bulkBatches() {
    return bulkBatches.get();
  }

  /** Records handed again below a partition's committed offset, and dropped. */
  public long skippedCommitted() {
    return skippedCommitted.get();
  }

  /** Records of partitions this process no longer owned, dropped. */
  public long droppedNotOwned() {
    return droppedNotOwned.get();
  }

  public long deadLettered() {
    return deadLettered.get();
  }

  /** Updates that arrived as deltas and were applied to the stored document. */
  public long patched() {
    return patched.get();
  }

  /** Partitions this process found claimed by another owner in a transaction. */
  public long fenced() {
    return fenced.get();
  }

  @Override
  public String toString() {
    return recordsApplied
        + " records applied in "
        + batches
        + " transactions ("
        + bulkBatches
        + " by bulk load), "
        + rowChanges
        + " row changes ("
        + patched
        + " from deltas), "
        + deadLettered
        + " dead letters, "
        + skippedNoChange
        + " without a row change, "
        + skippedCommitted
        + " skipped as committed, "
        + droppedNotOwned
        + " dropped as not owned, "
        + fenced
        + " partitions fenced";
  }
}
