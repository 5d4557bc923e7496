package io.tidemark.core.pipeline;

import io.tidemark.core.position.Position;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The live, thread-safe counters behind {@link CollectionStatus}. Written by the collection's own
 * threads, read by status requests at any time.
 */
final class StatusBoard {
  private final String collection;
  private final String table;
  private volatile CollectionState state = CollectionState.NEW;
  private volatile String lastError;
  private volatile Position position;
  private volatile Instant lastCommitAt;
  private volatile long copyStartedNanos;
  private volatile long rowsCopiedAtStart;
  private volatile long rowsEstimated;
  private final AtomicLong rowsCopied = new AtomicLong();
  private final AtomicLong eventsApplied = new AtomicLong();
  private final AtomicLong deadLetters = new AtomicLong();

  /**
   * Grows whenever anything is committed; lets the retry loop see whether an attempt progressed.
   */
  private final AtomicLong commits = new AtomicLong();

  StatusBoard(String collection, String table) {
    this.collection = collection;
    this.table = table;
  }

  CollectionState state() {
    return state;
  }

  void state(CollectionState newState) {
    state = newState;
  }

  void fail(String error) {
    fail(error, CollectionState.FAILED);
  }

  void fail(String error, CollectionState newState) {
    lastError = error;
    state = newState;
  }

  /**
   * Clears a failure once a rebuild has replaced the table. A collection that was FAILED or
   * REBUILDING is catching up from then on (its stream starts again from the rebuilt table's
   * position); the state moves before the error is cleared, so that no reader ever sees FAILED
   * without its reason (campaign finding F6).
   */
  void recovered() {
    CollectionState was = state;
    if (was == CollectionState.FAILED || was == CollectionState.REBUILDING) {
      state = CollectionState.CATCHING_UP;
    }
    lastError = null;
  }

  Position position() {
    return position;
  }

  void retrying(String error) {
    lastError = error;
    state = CollectionState.RECONNECTING;
  }

  void copyStarted(long alreadyCopied, long estimated) {
    rowsCopied.set(alreadyCopied);
    rowsCopiedAtStart = alreadyCopied;
    rowsEstimated = estimated;
    copyStartedNanos = System.nanoTime();
  }

  void copied(long rows, long total) {
    // Parallel copy workers report their totals in any order: keep the highest.
    rowsCopied.accumulateAndGet(total, Math::max);
    committed(rows > 0);
  }

  void applied(int events, int deadLettered, Position newPosition) {
    eventsApplied.addAndGet(events);
    deadLetters.addAndGet(deadLettered);
    position = newPosition;
    committed(true);
  }

  void deadLettered(int count) {
    deadLetters.addAndGet(count);
  }

  void positionCommitted(Position newPosition) {
    position = newPosition;
  }

  private void committed(boolean progressed) {
    lastCommitAt = Instant.now();
    if (progressed) {
      commits.incrementAndGet();
    }
  }

  long commits() {
    return commits.get();
  }

  CollectionStatus snapshot() {
    double rate = 0;
    if (state == CollectionState.SNAPSHOTTING) {
      double seconds = (System.nanoTime() - copyStartedNanos) / 1e9;
      rate = seconds > 0.5 ? (rowsCopied.get() - rowsCopiedAtStart) / seconds : 0;
    }
    return new CollectionStatus(
        collection,
        table,
        state,
        rowsCopied.get(),
        rowsEstimated,
        rate,
        eventsApplied.get(),
        deadLetters.get(),
        position,
        lastCommitAt,
        lastError,
        null);
  }
}
