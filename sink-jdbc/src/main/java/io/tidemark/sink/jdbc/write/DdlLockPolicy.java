package io.tidemark.sink.jdbc.write;

/**
 * How the sink's DDL (table creation, schema evolution, truncating and swapping a rebuild's tables)
 * waits for its locks. DDL needs an ACCESS EXCLUSIVE lock, and while it waits for one, PostgreSQL
 * queues every later reader of the table behind it: one long report would stall every dashboard. So
 * each attempt waits at most {@link #lockTimeoutMillis} ({@code SET LOCAL lock_timeout}), then
 * rolls back, letting the queued readers through, and tries again after a growing pause.
 *
 * @param lockTimeoutMillis longest wait for one lock in one attempt
 * @param attempts attempts before the sink gives up with a retriable error (the engine then backs
 *     off and calls again)
 * @param firstBackoffMillis pause after the first failed attempt; it doubles after each one
 */
record DdlLockPolicy(long lockTimeoutMillis, int attempts, long firstBackoffMillis) {

  /**
   * One second per attempt: PostgreSQL's default {@code deadlock_timeout} is also one second, so a
   * reader arriving behind a waiting DDL is held no longer than a deadlock would hold it. Five
   * attempts with pauses of 0.25, 0.5, 1 and 2 s keep one call under about nine seconds.
   */
  static final DdlLockPolicy DEFAULT = new DdlLockPolicy(1_000, 5, 250);

  DdlLockPolicy {
    if (lockTimeoutMillis <= 0 || attempts < 1 || firstBackoffMillis < 0) {
      throw new IllegalArgumentException(
          "lockTimeoutMillis and attempts must be positive, firstBackoffMillis not negative");
    }
  }

  /** The pause after failed attempt {@code attempt} (1-based). */
  long backoffMillis(int attempt) {
    return firstBackoffMillis << Math.min(attempt - 1, 20);
  }
}
