package io.tidemark.sink.jdbc.write;

import io.tidemark.core.error.ErrorCode;
import io.tidemark.sink.jdbc.dialect.SqlDialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the sink's work in transactions on pooled connections: commit on success, rollback on any
 * failure, and every {@link SQLException} translated by {@link SinkErrors}. Work that changes a
 * table's definition runs with a bounded lock wait and is tried again when another session's locks
 * end it ({@link #runDdl}). Thread-safe.
 */
final class SinkTransactions {

  private static final Logger LOG = LoggerFactory.getLogger(SinkTransactions.class);

  /** Work that runs inside one transaction; it may be run again after a rollback. */
  @FunctionalInterface
  interface TransactionWork<T> {
    T run(Connection connection) throws SQLException;
  }

  /** Statements run on a connection the caller holds. */
  @FunctionalInterface
  interface ConnectionWork {
    void run() throws SQLException;
  }

  /** Describes the operation for an error message; only called on failure. */
  @FunctionalInterface
  interface Operation {
    String describe();
  }

  private final DataSource dataSource;
  private final SqlDialect dialect;
  private final SinkErrors errors;
  private final DdlLockPolicy ddlLocks;
  private final String pipeline;
  private final AbandonedSessions abandoned;

  SinkTransactions(
      DataSource dataSource,
      SqlDialect dialect,
      SinkErrors errors,
      DdlLockPolicy ddlLocks,
      String pipeline) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.errors = errors;
    this.ddlLocks = ddlLocks;
    this.pipeline = pipeline;
    this.abandoned = new AbandonedSessions(dialect, pipeline);
  }

  /**
   * Runs the work in one transaction. A commit whose outcome is unknown (connection lost while
   * committing) surfaces as unavailable: stream batches and checkpoints may simply be applied
   * again, while a snapshot chunk must not be copied twice, so the engine reloads the progress
   * before retrying one. The session such a failure leaves on the database is ended before the next
   * transaction starts ({@link AbandonedSessions}), so that the progress the engine reloads already
   * shows whether it committed.
   */
  <T> T run(TransactionWork<T> work, Operation operation) {
    long start = System.nanoTime();
    try {
      return once(work, null);
    } catch (SQLException e) {
      throw errors.translate(e, operation.describe(), millisSince(start));
    }
  }

  private static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  /**
   * Runs work that takes exclusive table locks (DDL) in one transaction whose lock waits are
   * bounded by the policy's lock timeout, so that readers queued behind a waiting DDL are let
   * through when it gives up. When another session's locks end the transaction (lock timeout,
   * deadlock, serialization failure) the work is rolled back and run again after a pause, up to the
   * policy's attempts; then the failure surfaces as the retriable {@link ErrorCode#SINK_CONFLICT}.
   * A cancelled statement is not run again here: whoever cancelled it meant it to stop.
   */
  <T> T runDdl(TransactionWork<T> work, Operation operation) {
    String lockTimeout = dialect.setLockTimeout(ddlLocks.lockTimeoutMillis());
    long start = System.nanoTime();
    for (int attempt = 1; ; attempt++) {
      long attemptStart = System.nanoTime();
      try {
        return once(work, lockTimeout);
      } catch (SQLException e) {
        if (!dialect.isLockConflict(e) || attempt >= ddlLocks.attempts()) {
          throw errors.translate(
              e, operation.describe() + gaveUp(attempt, start), millisSince(attemptStart));
        }
        long pause = ddlLocks.backoffMillis(attempt);
        LOG.info(
            "another session's locks held off this DDL (SQLSTATE {}, attempt {} of {},"
                + " each waiting at most {} ms); trying again in {} ms: {}",
            e.getSQLState(),
            attempt,
            ddlLocks.attempts(),
            ddlLocks.lockTimeoutMillis(),
            pause,
            operation.describe());
        pauseBeforeRetry(pause, e, operation);
      }
    }
  }

  private String gaveUp(int attempts, long startNanos) {
    if (attempts == 1) {
      return "";
    }
    return " (gave up after "
        + attempts
        + " attempts over "
        + millisSince(startNanos)
        + " ms, each waiting at most "
        + ddlLocks.lockTimeoutMillis()
        + " ms for its locks)";
  }

  private void pauseBeforeRetry(long millis, SQLException failure, Operation operation) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw errors.translate(
          failure, operation.describe() + " (interrupted while waiting to retry)");
    }
  }

  /**
   * Runs statements whose length no socket timeout can bound (they grow with a table) with the
   * connection's socket timeout lifted, and restores it; the connection's TCP keepalive still
   * notices a peer that is gone.
   */
  static void withoutSocketTimeout(Connection c, ConnectionWork work) throws SQLException {
    int bound = c.getNetworkTimeout();
    c.setNetworkTimeout(Runnable::run, 0);
    SQLException failure = null;
    try {
      work.run();
    } catch (SQLException e) {
      failure = e;
      throw e;
    } finally {
      try {
        c.setNetworkTimeout(Runnable::run, bound);
      } catch (SQLException restoreFailure) {
        // A broken connection: the pool discards it. The work's failure says what happened.
        if (failure == null) {
          throw restoreFailure;
        }
        failure.addSuppressed(restoreFailure);
      }
    }
  }

  /** One transaction; {@code firstStatement}, when given, runs before the work. */
  private <T> T once(TransactionWork<T> work, String firstStatement) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      boolean wasAutoCommit = c.getAutoCommit();
      if (wasAutoCommit) {
        c.setAutoCommit(false);
      }
      AbandonedSessions.Session session = null;
      T result;
      try {
        session = abandoned.identify(c);
        abandoned.settle(c);
        if (firstStatement != null) {
          try (Statement st = c.createStatement()) {
            st.execute(firstStatement);
          }
        }
        result = work.run(c);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        if (e instanceof SQLException failure && dialect.isConnectionFailure(failure)) {
          abandoned.abandon(session); // its transaction may still commit on the database
        }
        rollback(c, e);
        if (wasAutoCommit) {
          restoreAutoCommit(c, e);
        }
        throw e;
      }
      if (wasAutoCommit) {
        c.setAutoCommit(true);
      }
      return result;
    }
  }

  private static void restoreAutoCommit(Connection c, Exception failure) {
    try {
      c.setAutoCommit(true);
    } catch (SQLException restoreFailure) {
      failure.addSuppressed(restoreFailure);
    }
  }

  private static void rollback(Connection c, Exception failure) {
    try {
      c.rollback();
    } catch (SQLException rollbackFailure) {
      // The first failure says what went wrong; a broken connection is discarded by the pool.
      failure.addSuppressed(rollbackFailure);
    }
  }
}
