package io.tidemark.sink.jdbc.write;

/**
 * How the writer lock is watched.
 *
 * @param checkIntervalMillis time between two checks that the lock's session still holds it (and,
 *     while it is lost, between two attempts to take it back)
 * @param checkTimeoutSeconds longest a check may take before the connection counts as lost
 * @param afterRetakeClaimed runs on the watchdog's thread when a lock taken back has its new epoch
 *     committed and before this process uses it: a phase hook for tests, a no-op otherwise
 */
record WriterLockPolicy(
    long checkIntervalMillis, int checkTimeoutSeconds, Runnable afterRetakeClaimed) {

  /**
   * Every five seconds: a process learns within seconds that it lost the lock, rather than at its
   * next transaction (which the epoch fence stops anyway when another process took over). The check
   * is one small query, and it also keeps the connection from looking idle to {@code
   * idle_session_timeout} or a NAT's idle timeout, the usual ways it gets dropped. Ten seconds of
   * silence from the server count as a lost connection.
   */
  static final WriterLockPolicy DEFAULT = new WriterLockPolicy(5_000, 10);

  WriterLockPolicy(long checkIntervalMillis, int checkTimeoutSeconds) {
    this(checkIntervalMillis, checkTimeoutSeconds, () -> {});
  }

  WriterLockPolicy {
    if (checkIntervalMillis <= 0 || checkTimeoutSeconds <= 0) {
      throw new IllegalArgumentException("the interval and the timeout must be positive");
    }
  }
}
