package io.tidemark.sink.jdbc.write;

import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.sink.jdbc.dialect.SqlDialect;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Makes one process the only writer of a pipeline. Two guards:
 *
 * <ul>
 *   <li>a session-level advisory lock held on a dedicated connection for the process's life: a
 *       second process is refused at start, and the lock frees itself when the holder dies (its
 *       connection closes);
 *   <li>an epoch fence: taking the lock increments the lease's epoch, and every sink transaction
 *       checks it ({@link #checkStillOwner}), so a process that was paused (GC, partition) while
 *       another took over can never commit afterwards.
 * </ul>
 *
 * Not thread-safe for {@link #acquire}/{@link #close}; {@link #checkStillOwner} may be called from
 * any writer thread.
 */
final class WriterLock implements AutoCloseable {
  private final SqlDialect dialect;
  private final String metadataSchema;
  private final String pipeline;
  private final Connection connection;
  private final long epoch;
  private final String selectEpoch;

  private WriterLock(
      SqlDialect dialect,
      String metadataSchema,
      String pipeline,
      Connection connection,
      long epoch) {
    this.dialect = dialect;
    this.metadataSchema = metadataSchema;
    this.pipeline = pipeline;
    this.connection = connection;
    this.epoch = epoch;
    this.selectEpoch = dialect.selectEpochForShare(metadataSchema);
  }

  /**
   * Takes the pipeline's lock on {@code connection}, which stays open (and the lock held) until
   * {@link #close()}.
   *
   * @throws TidemarkException {@link ErrorCode#LOCK_HELD} naming the holder when another process
   *     has it
   */
  static WriterLock acquire(
      SqlDialect dialect, String metadataSchema, String pipeline, Connection connection)
      throws SQLException {
    connection.setAutoCommit(true);
    try (PreparedStatement ps = connection.prepareStatement(dialect.tryAdvisoryLock())) {
      ps.setString(1, "tidemark:" + metadataSchema + ":" + pipeline);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        if (!rs.getBoolean(1)) {
          throw held(dialect, metadataSchema, pipeline, connection);
        }
      }
    }
    try (PreparedStatement ps =
        connection.prepareStatement(dialect.claimWriterLease(metadataSchema))) {
      ps.setString(1, pipeline);
      ps.setString(2, "tidemark " + ProcessHandle.current().pid() + "@" + host());
      ps.setString(3, host());
      ps.setLong(4, ProcessHandle.current().pid());
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return new WriterLock(dialect, metadataSchema, pipeline, connection, rs.getLong(1));
      }
    }
  }

  long epoch() {
    return epoch;
  }

  /**
   * Inside a sink transaction: fails unless this process still owns the lease. The row lock taken
   * here holds off a new owner until the transaction ends.
   */
  void checkStillOwner(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(selectEpoch)) {
      ps.setString(1, pipeline);
      try (ResultSet rs = ps.executeQuery()) {
        long current = rs.next() ? rs.getLong(1) : -1;
        if (current != epoch) {
          throw new TidemarkException(
              ErrorCode.LOCK_HELD,
              "Pipeline '"
                  + pipeline
                  + "': another Tidemark process took over the sink (lease epoch "
                  + current
                  + ", this process holds "
                  + epoch
                  + "); this process stops writing so that only one writer commits. The holder"
                  + " now is "
                  + holder(dialect, metadataSchema, pipeline, c)
                  + ".");
        }
      }
    }
  }

  /** Who holds the lease, e.g. {@code tidemark 4242@db1 (started 2026-11-25T18:00:00Z)}. */
  private static String holder(
      SqlDialect dialect, String metadataSchema, String pipeline, Connection c)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(dialect.selectWriterLease(metadataSchema))) {
      ps.setString(1, pipeline);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return "another process";
        }
        return rs.getString(1)
            + " (host "
            + rs.getString(2)
            + ", pid "
            + rs.getLong(3)
            + ", started "
            + rs.getTimestamp(4).toInstant()
            + ")";
      }
    }
  }

  private static TidemarkException held(
      SqlDialect dialect, String metadataSchema, String pipeline, Connection c)
      throws SQLException {
    return new TidemarkException(
        ErrorCode.LOCK_HELD,
        "Pipeline '"
            + pipeline
            + "' is already being written by "
            + holder(dialect, metadataSchema, pipeline, c)
            + ". Only one Tidemark may write a pipeline: stop that process first (its lock frees"
            + " itself when it exits), or give this one another 'pipeline' name.");
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return ManagementFactory.getRuntimeMXBean().getName();
    }
  }

  /** Releases the lock by closing its connection. */
  @Override
  public void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      // The server drops the lock with the session either way.
    }
  }
}
