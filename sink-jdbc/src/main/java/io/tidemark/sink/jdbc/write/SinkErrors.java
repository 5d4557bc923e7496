package io.tidemark.sink.jdbc.write;

import io.tidemark.core.config.ConnectionStrings;
import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.sink.jdbc.dialect.SqlDialect;
import io.tidemark.sink.jdbc.dialect.WriteTimeoutException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.regex.Pattern;

/**
 * Turns a database failure into a {@link TidemarkException} whose message says what the sink was
 * doing, where, what the database said (with its SQLSTATE) and what to do. Connection problems
 * become {@link ErrorCode#SINK_UNAVAILABLE}, lock conflicts and cancelled statements {@link
 * ErrorCode#SINK_CONFLICT}, both of which the engine retries; everything else is {@link
 * ErrorCode#SINK_FAILED}.
 */
final class SinkErrors {

  private static final Pattern LINE_BREAKS = Pattern.compile("\\s*\\R\\s*");

  private final SqlDialect dialect;
  private final String pipeline;
  private final SocketTimeout socketTimeout;

  SinkErrors(SqlDialect dialect, String pipeline, SocketTimeout socketTimeout) {
    this.dialect = dialect;
    this.pipeline = pipeline;
    this.socketTimeout = socketTimeout;
  }

  /**
   * The exception to throw for a failed operation.
   *
   * @param operation what the sink was doing, as a verb phrase naming the collection and table,
   *     e.g. {@code apply 10 changes to table "public"."orders" for collection 'orders'}
   */
  TidemarkException translate(SQLException e, String operation) {
    return translate(e, operation, -1);
  }

  /**
   * As {@link #translate(SQLException, String)}, for a failure {@code elapsedMillis} into the
   * transaction (-1 when not measured).
   */
  TidemarkException translate(SQLException e, String operation, long elapsedMillis) {
    String state = e.getSQLState();
    boolean unavailable = dialect.isConnectionFailure(e);
    StringBuilder message =
        new StringBuilder("Could not ")
            .append(operation)
            .append(" in pipeline '")
            .append(pipeline)
            .append("': ");
    if (silence(e) != null) {
      return wentSilent(message, e, elapsedMillis);
    }
    return withCause(message, e, state, unavailable);
  }

  /**
   * A connection on which nothing moved for the socket timeout: a read timed out, or a write
   * ({@link WriteTimeoutException}). The driver reports it as a connection failure (class 08),
   * retriable, but its own message ("An I/O error occurred") says neither what happened nor what to
   * change.
   */
  private TidemarkException wentSilent(StringBuilder message, SQLException e, long elapsedMillis) {
    message
        .append(
            silence(e) instanceof WriteTimeoutException
                ? "the database accepted no data for "
                : "no reply came from the database for ")
        .append(socketTimeout.describe());
    if (elapsedMillis >= 0) {
      message.append(", ").append(elapsedMillis).append(" ms into the transaction");
    }
    message.append(" (").append(databaseMessage(e));
    if (e.getSQLState() != null) {
      message.append(", SQLSTATE ").append(e.getSQLState());
    }
    message
        .append("). The network to the database may have failed without closing the connection")
        .append(" (a cut link, a NAT or firewall that dropped it, a failover to another host),")
        .append(" or a statement waited that long for another session's lock. Tidemark closed")
        .append(" the connection, ends the session it left on the database before its next")
        .append(" transaction (so this one has committed by then or never will), and retries from")
        .append(" the last committed position on its own; if the database is reachable and its")
        .append(" statements legitimately take longer, raise ")
        .append(socketTimeout.setting())
        .append('.');
    return new TidemarkException(
        ErrorCode.SINK_UNAVAILABLE, message.toString(), e.getSQLState(), e);
  }

  /** The socket timeout behind a failure, if that is what it was. */
  private static SocketTimeoutException silence(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SocketTimeoutException timeout) {
        return timeout;
      }
    }
    return null;
  }

  /**
   * The exception for a failure to open the pool: one paragraph naming the URL (without password),
   * the user and the fix. Authentication failures are {@link ErrorCode#SINK_FAILED}: waiting will
   * not fix a wrong password.
   */
  TidemarkException connectFailure(SQLException e, String jdbcUrl, String username, long waitedMs) {
    String state = e.getSQLState();
    boolean unavailable = dialect.isConnectionFailure(e);
    StringBuilder message =
        new StringBuilder("Could not ")
            .append(unavailable ? "reach" : "connect to")
            .append(" the sink database at ")
            .append(ConnectionStrings.mask(jdbcUrl))
            .append(username == null ? " (no user given)" : " as user '" + username + "'")
            .append(" for pipeline '")
            .append(pipeline)
            .append('\'');
    if (unavailable) {
      message.append(" within ").append(waitedMs).append(" ms");
    }
    message.append(": ");
    return withCause(message, e, state, unavailable);
  }

  /** Appends the database's message, SQLSTATE and the advice, and builds the exception. */
  private TidemarkException withCause(
      StringBuilder message, SQLException e, String state, boolean unavailable) {
    message.append(databaseMessage(e));
    if (state != null) {
      message.append(" (SQLSTATE ").append(state).append(')');
    }
    message.append(". ").append(advice(e, state, unavailable));
    return new TidemarkException(code(e, unavailable), message.toString(), state, e);
  }

  private ErrorCode code(SQLException e, boolean unavailable) {
    if (unavailable) {
      return ErrorCode.SINK_UNAVAILABLE;
    }
    if (dialect.isLockConflict(e) || dialect.isCancelled(e)) {
      return ErrorCode.SINK_CONFLICT;
    }
    return ErrorCode.SINK_FAILED;
  }

  private String advice(SQLException e, String state, boolean unavailable) {
    String advice = dialect.advice(state);
    if (advice != null) {
      return advice;
    }
    if (e instanceof SQLTransientConnectionException) {
      return "No connection became free in time: raise sink.poolSize, or look for long-running"
          + " statements or locks on the database.";
    }
    if (unavailable) {
      return "Check that the database is running and reachable at sink.jdbcUrl; Tidemark retries"
          + " on its own.";
    }
    return "Fix the cause in the database, then restart the pipeline; it resumes from its last"
        + " committed position.";
  }

  /** The database's message on one line; null messages become the exception class. */
  static String databaseMessage(Throwable e) {
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      return e.getClass().getName();
    }
    String line = LINE_BREAKS.matcher(m.strip()).replaceAll(" ");
    return line.endsWith(".") ? line.substring(0, line.length() - 1) : line;
  }
}
