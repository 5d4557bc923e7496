package io.tidemark.sink.jdbc.write;

import io.tidemark.sink.jdbc.dialect.SqlDialect;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The pipeline's lease row in {@code writer_lock}: who writes it, and its epoch. Statements are
 * built once. Thread-safe; every method runs on the caller's connection.
 */
final class WriterLease {

  private static final long PID = ProcessHandle.current().pid();
  private static final String HOST = host();

  private final String pipeline;
  private final String key;
  private final SqlDialect dialect;
  private final String claim;
  private final String selectLease;
  private final String selectEpochForShare;

  WriterLease(SqlDialect dialect, String metadataSchema, String pipeline) {
    this.pipeline = pipeline;
    this.key = "tidemark:" + metadataSchema + ":" + pipeline;
    this.dialect = dialect;
    this.claim = dialect.metadataSql().claimWriterLease(metadataSchema);
    this.selectLease = dialect.metadataSql().selectWriterLease(metadataSchema);
    this.selectEpochForShare = dialect.metadataSql().selectEpochForShare(metadataSchema);
  }

  /** Makes this process the holder with the next epoch; returns it. */
  long claim(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(claim)) {
      ps.setString(1, pipeline);
      ps.setString(2, "tidemark " + PID + "@" + HOST);
      ps.setString(3, HOST);
      ps.setLong(4, PID);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** The current epoch, share-locked until the transaction ends; -1 when there is no lease. */
  long epochForShare(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(selectEpochForShare)) {
      ps.setString(1, pipeline);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : -1;
      }
    }
  }

  /**
   * Who holds the lease, e.g. {@code tidemark 4242@db1 (host db1, pid 4242, started
   * 2026-11-25T18:00:00Z)}, and which database session holds the lock now. Never fails: what cannot
   * be read is said so.
   */
  String holder(Connection c) {
    StringBuilder holder = new StringBuilder();
    try (PreparedStatement ps = c.prepareStatement(selectLease)) {
      ps.setString(1, pipeline);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          boolean me = rs.getLong(3) == PID && HOST.equals(rs.getString(2));
          holder
              .append(rs.getString(1))
              .append(" (host ")
              .append(rs.getString(2))
              .append(", pid ")
              .append(rs.getLong(3))
              .append(", started ")
              .append(rs.getTimestamp(4).toInstant())
              .append(", lease epoch ")
              .append(rs.getLong(5))
              .append(me ? ", that is this process" : "")
              .append(')');
        } else {
          holder.append("another process");
        }
      }
    } catch (SQLException e) {
      // Before the first migration there is no lease table: the lock is all there is.
      holder.append("another process");
    }
    String session = lockSession(c);
    if (session != null) {
      holder.append("; the lock is held by database session ").append(session);
    }
    return holder.toString();
  }

  /** The session holding the advisory lock: pid, application, client and start; or null. */
  private String lockSession(Connection c) {
    try (PreparedStatement ps =
        c.prepareStatement(dialect.metadataSql().selectAdvisoryLockHolder())) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        return rs.getInt(1)
            + " (application '"
            + rs.getString(2)
            + "', client "
            + rs.getString(3)
            + ", connected "
            + rs.getTimestamp(4).toInstant()
            + ")";
      }
    } catch (SQLException e) {
      return null;
    }
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return ManagementFactory.getRuntimeMXBean().getName();
    }
  }
}
