package io.tidemark.core.pipeline;

import io.tidemark.core.config.TidemarkConfig.StreamConfig;

/**
 * When the stream commits: a pure decision over what is waiting, with no clock and no state of its
 * own, so that each rule can be tested alone (as Debezium's {@code OffsetCommitPolicy} is). Asked
 * once per stream item, so it works in nanoseconds and allocates nothing but its argument.
 *
 * <p>Only events of complete source transactions are ever waiting: {@link TransactionBuffer} holds
 * back the events of a transaction until its last one has arrived, so no policy can split one.
 *
 * @param batchSize commit once this many events are waiting
 * @param maxBatchBytes commit once the waiting events are this large
 * @param maxBatchDelayNanos commit once the oldest waiting event has waited this long
 * @param idleCheckpointNanos with no events waiting, save a position that moved this often
 */
record CommitPolicy(
    int batchSize, long maxBatchBytes, long maxBatchDelayNanos, long idleCheckpointNanos) {

  static CommitPolicy of(StreamConfig stream) {
    return new CommitPolicy(
        stream.batchSize(),
        stream.maxBatchBytes(),
        stream.maxBatchDelay().toNanos(),
        stream.idleCheckpointInterval().toNanos());
  }

  /**
   * What waits to be committed when the policy is asked.
   *
   * @param events events ready to commit
   * @param bytes their size
   * @param oldestWaitedNanos how long the oldest of them has waited; ignored when none
   * @param positionMoved whether committing would move the stored position
   * @param sinceLastCommitNanos how long ago the last commit was submitted
   * @param sourceQuiet whether the stream had nothing more to read at this moment
   */
  record Waiting(
      int events,
      long bytes,
      long oldestWaitedNanos,
      boolean positionMoved,
      long sinceLastCommitNanos,
      boolean sourceQuiet) {}

  /** Why a commit is due, or {@link #NOT_YET}. */
  enum Trigger {
    NOT_YET,
    /** Events wait and the source has nothing more right now: commit for low latency. */
    SOURCE_QUIET,
    BATCH_SIZE,
    BATCH_BYTES,
    BATCH_DELAY,
    /** No events, but the position moved (heartbeats, other collections' writes): save it. */
    IDLE_CHECKPOINT;

    boolean commits() {
      return this != NOT_YET;
    }
  }

  Trigger decide(Waiting waiting) {
    if (waiting.events() == 0) {
      return waiting.positionMoved() && waiting.sinceLastCommitNanos() >= idleCheckpointNanos
          ? Trigger.IDLE_CHECKPOINT
          : Trigger.NOT_YET;
    }
    if (waiting.sourceQuiet()) {
      return Trigger.SOURCE_QUIET;
    }
    if (waiting.events() >= batchSize) {
      return Trigger.BATCH_SIZE;
    }
    if (waiting.bytes() >= maxBatchBytes) {
      return Trigger.BATCH_BYTES;
    }
    if (waiting.oldestWaitedNanos() >= maxBatchDelayNanos) {
      return Trigger.BATCH_DELAY;
    }
    return Trigger.NOT_YET;
  }
}
