package io.tidemark.sink.jdbc.write;

import io.tidemark.core.config.ConnectionStrings;
import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.sink.jdbc.dialect.SqlDialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import javax.sql.DataSource;
import org.flywaydb.core.api.FlywayException;

/**
 * Turns a failed migration of the metadata schema into the error a daemon exits with: retriable
 * ({@link ErrorCode#SINK_UNAVAILABLE}, exit 3) when the database could not be reached, a failure
 * for an operator ({@link ErrorCode#SINK_FAILED}, exit 1) when the schema itself is wrong.
 */
final class MigrationErrors {

  /** How long a new connection may take to answer the check after a failed migration. */
  static final int REACHABILITY_PROBE_SECONDS = 5;

  private final DataSource dataSource;
  private final SqlDialect dialect;
  private final SinkErrors errors;

  MigrationErrors(DataSource dataSource, SqlDialect dialect, SinkErrors errors) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.errors = errors;
  }

  TidemarkException translate(
      FlywayException e, String metadataSchema, String jdbcUrl, String pipeline) {
    String where =
        "bring the metadata schema "
            + dialect.quoteIdentifier(metadataSchema)
            + " up to date at "
            + ConnectionStrings.mask(jdbcUrl);
    SQLException first = null;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException failure) {
        if (dialect.isConnectionFailure(failure)) {
          return errors.translate(failure, where);
        }
        first = first == null ? failure : first;
      }
    }
    if (first != null) {
      // A statement of the migration failed without saying it was the connection. It may still
      // be: Flyway goes on with a connection the pool has closed after a network failure, and
      // HikariCP's closed connection (ProxyConnection.ClosedConnection) fails with "Connection is
      // closed" and no SQLSTATE (campaign finding F5). When a new connection fails too, the
      // database is unreachable, which is retriable, not a fault in the schema to fix by hand.
      SQLException newConnection = reachability();
      if (newConnection != null) {
        newConnection.addSuppressed(first);
        return errors.translate(newConnection, where);
      }
      return errors.translate(first, where);
    }
    return new TidemarkException(
        ErrorCode.SINK_FAILED,
        "Could not "
            + where
            + " in pipeline '"
            + pipeline
            + "': "
            + SinkErrors.databaseMessage(e)
            + ". Fix the schema as Flyway's message says, or point sink.metadataSchema at a new"
            + " schema.",
        e);
  }

  /** Null when a new connection to the database answers; else why it did not. */
  private SQLException reachability() {
    try (Connection c = dataSource.getConnection()) {
      return c.isValid(REACHABILITY_PROBE_SECONDS)
          ? null
          : new SQLTransientConnectionException(
              "a new connection did not answer within " + REACHABILITY_PROBE_SECONDS + " s",
              "08006");
    } catch (SQLException probe) {
      // Unreachable (retriable), or reachable but refusing, as a changed password: either way the
      // new connection's failure is the one that says what to do.
      return probe;
    }
  }
}
