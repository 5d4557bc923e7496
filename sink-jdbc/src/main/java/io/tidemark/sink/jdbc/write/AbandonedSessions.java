package io.tidemark.sink.jdbc.write;

import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.sink.jdbc.dialect.SqlDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Database sessions the sink gave up on while a transaction of theirs was open. When a connection
 * fails (its socket timeout ran out, the network broke), the session it leaves on the database may
 * still commit: a {@code COMMIT} that was sent can run, or arrive, after the sink stopped waiting.
 * The engine then starts again from the progress it reads, and a commit landing after that read
 * would put a batch's older rows over newer ones. So before its next transaction, the sink ends
 * each such session and waits until the database has closed it: by then its transaction has
 * committed, and the progress read shows it, or it never will. Thread-safe.
 */
final class AbandonedSessions {

  private static final Logger LOG = LoggerFactory.getLogger(AbandonedSessions.class);

  /** How long the next transaction waits for an ended session to close before failing. */
  static final long CLOSE_WAIT_MILLIS = 10_000;

  private static final long POLL_MILLIS = 20;

  /**
   * A session on the database.
   *
   * @param id the database's id of the session (PostgreSQL: its process id)
   * @param applicationName the name it connected with, which tells it from a later session given
   *     the same id
   */
  record Session(int id, String applicationName) {}

  private final SqlDialect dialect;
  private final String pipeline;
  private final Set<Session> open = ConcurrentHashMap.newKeySet();

  AbandonedSessions(SqlDialect dialect, String pipeline) {
    this.dialect = dialect;
    this.pipeline = pipeline;
  }

  /** The session of a connection, from what the driver knows; null when it does not tell. */
  Session identify(Connection c) throws SQLException {
    OptionalInt id = dialect.sessionId(c);
    return id.isPresent() ? new Session(id.getAsInt(), c.getClientInfo("ApplicationName")) : null;
  }

  /** Records a session whose connection failed in a transaction; null is ignored. */
  void abandon(Session session) {
    if (session != null) {
      open.add(session);
    }
  }

  /**
   * Before a transaction, on its connection (not in auto-commit): ends every abandoned session and
   * waits until each is closed, committing after each look so that the next one sees the database
   * as it is now.
   *
   * @throws TidemarkException {@link ErrorCode#SINK_UNAVAILABLE} when a session is still open after
   *     {@value #CLOSE_WAIT_MILLIS} ms; it is ended again before the next transaction
   */
  void settle(Connection c) throws SQLException {
    if (open.isEmpty()) {
      return;
    }
    for (Session session : List.copyOf(open)) {
      end(c, session);
      open.remove(session);
    }
  }

  private void end(Connection c, Session session) throws SQLException {
    boolean wasOpen = look(c, dialect.terminateSession(), session);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MILLIS);
    while (look(c, dialect.selectSessionOpen(), session)) {
      if (System.nanoTime() - deadline > 0) {
        throw stillOpen(session);
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw stillOpen(session);
      }
    }
    if (wasOpen) {
      LOG.warn(
          "ended database session {} ('{}'), left open by a transaction whose connection"
              + " failed, so that the transaction cannot commit after the sink has moved on",
          session.id(),
          session.applicationName());
    }
  }

  /** Runs a one-parameter-pair query in a transaction of its own; true when it returned a row. */
  private static boolean look(Connection c, String sql, Session session) throws SQLException {
    boolean found;
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setInt(1, session.id());
      ps.setString(2, session.applicationName());
      try (ResultSet rs = ps.executeQuery()) {
        found = rs.next();
      }
    }
    c.commit();
    return found;
  }

  private TidemarkException stillOpen(Session session) {
    return new TidemarkException(
        ErrorCode.SINK_UNAVAILABLE,
        "Database session "
            + session.id()
            + " ('"
            + session.applicationName()
            + "') of pipeline '"
            + pipeline
            + "', left open by a transaction whose connection failed, is still open "
            + CLOSE_WAIT_MILLIS
            + " ms after the sink asked the database to end it. The sink starts no transaction"
            + " before it has closed, so that what it left open cannot commit afterwards;"
            + " Tidemark retries on its own. If this lasts, look at what the session is doing in"
            + " the database (PostgreSQL: pg_stat_activity).");
  }
}
