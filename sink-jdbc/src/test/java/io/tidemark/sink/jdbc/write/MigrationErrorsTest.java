package io.tidemark.sink.jdbc.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tidemark.core.config.SinkConfig;
import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.sink.jdbc.dialect.postgres.PostgresDialect;
import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.internal.exception.FlywaySqlException;
import org.junit.jupiter.api.Test;

/**
 * Campaign finding F5: a PostgreSQL outage during the start's migration must exit as "unreachable"
 * (retriable, exit 3), not as a schema fault for an operator (exit 1).
 */
class MigrationErrorsTest {

  private static final String URL = "jdbc:postgresql://127.0.0.1:1/db?password=hunter2";

  /**
   * Before the fix: SINK_FAILED, "Connection is closed. Fix the cause in the database". HikariCP
   * hands Flyway a connection it has closed after a network failure; that fails without a SQLSTATE.
   */
  @Test
  void aClosedConnectionInTheMigrationWithTheDatabaseGoneIsUnavailable() {
    AtomicInteger asked = new AtomicInteger();
    DataSource outage =
        dataSource(
            () -> {
              if (asked.getAndIncrement() == 0) {
                return closedConnection();
              }
              throw new SQLTransientConnectionException(
                  "tidemark-sink - Connection is not available, request timed out after 5000ms");
            });
    SinkConfig config = new SinkConfig(URL, "u", "pw", "public", "tm_meta", 2);

    assertThatThrownBy(() -> JdbcChangeSink.open(config, "p", outage))
        .isInstanceOfSatisfying(
            TidemarkException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.SINK_UNAVAILABLE);
              assertThat(e.retriable()).isTrue();
              assertThat(e.getMessage())
                  .startsWith("Could not bring the metadata schema \"tm_meta\" up to date at")
                  .contains("Connection is not available")
                  .doesNotContain("hunter2")
                  .doesNotContain("Fix the cause in the database");
            });
    assertThat(asked.get()).as("a new connection was tried").isGreaterThanOrEqualTo(2);
  }

  @Test
  void aConnectionFailureAnywhereInTheCausesIsUnavailable() {
    MigrationErrors errors = errors(dataSource(MigrationErrorsTest::answeringConnection));
    FlywayException e =
        new FlywaySqlException(
            "Unable to check the version",
            new SQLException("wrapped", null, new SQLException("An I/O error occurred", "08006")));

    // The outer SQLException has no state; the one it wraps is a connection failure.
    TidemarkException translated = errors.translate(e, "tm_meta", URL, "p");
    assertThat(translated.code()).isEqualTo(ErrorCode.SINK_UNAVAILABLE);
  }

  @Test
  void aFailedStatementWhileTheDatabaseAnswersStaysAFailureForAnOperator() {
    MigrationErrors errors = errors(dataSource(MigrationErrorsTest::answeringConnection));
    FlywayException e =
        new FlywaySqlException(
            "Migration failed",
            new SQLException("ERROR: permission denied for schema tm_meta", "42501"));

    TidemarkException translated = errors.translate(e, "tm_meta", URL, "p");
    assertThat(translated.code()).isEqualTo(ErrorCode.SINK_FAILED);
    assertThat(translated.getMessage()).contains("permission denied").contains("42501");
  }

  @Test
  void aFlywayFailureWithoutADatabaseCauseNamesTheSchemaToFix() {
    MigrationErrors errors = errors(dataSource(MigrationErrorsTest::answeringConnection));

    TidemarkException translated =
        errors.translate(
            new FlywayException("Validate failed: checksum mismatch"), "tm_meta", URL, "p");
    assertThat(translated.code()).isEqualTo(ErrorCode.SINK_FAILED);
    assertThat(translated.getMessage())
        .contains("checksum mismatch")
        .contains("sink.metadataSchema")
        .doesNotContain("hunter2");
  }

  private static MigrationErrors errors(DataSource dataSource) {
    PostgresDialect dialect = new PostgresDialect();
    return new MigrationErrors(
        dataSource, dialect, new SinkErrors(dialect, "p", new SocketTimeout(120, "s")));
  }

  /** As HikariCP's {@code ProxyConnection.ClosedConnection}: every call but close fails. */
  private static Connection closedConnection() {
    return connection(true);
  }

  /** A connection that answers {@code isValid}, as one to a reachable database does. */
  private static Connection answeringConnection() {
    return connection(false);
  }

  private static Connection connection(boolean closed) {
    return (Connection)
        Proxy.newProxyInstance(
            MigrationErrorsTest.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "close" -> null;
                  case "isClosed" -> closed;
                  case "isValid" -> {
                    if (closed) {
                      throw new SQLException("Connection is closed");
                    }
                    yield true;
                  }
                  default ->
                      throw closed
                          ? new SQLException("Connection is closed")
                          : new UnsupportedOperationException(method.getName());
                });
  }

  private interface ConnectionSupplier {
    Connection get() throws SQLException;
  }

  private static DataSource dataSource(ConnectionSupplier connections) {
    return new DataSource() {
      @Override
      public Connection getConnection() throws SQLException {
        return connections.get();
      }

      @Override
      public Connection getConnection(String user, String password) throws SQLException {
        return connections.get();
      }

      @Override
      public PrintWriter getLogWriter() {
        return null;
      }

      @Override
      public void setLogWriter(PrintWriter out) {}

      @Override
      public void setLoginTimeout(int seconds) {}

      @Override
      public int getLoginTimeout() {
        return 0;
      }

      @Override
      public Logger getParentLogger() {
        return Logger.getGlobal();
      }

      @Override
      public <T> T unwrap(Class<T> iface) throws SQLException {
        throw new SQLException("not a wrapper");
      }

      @Override
      public boolean isWrapperFor(Class<?> iface) {
        return false;
      }
    };
  }
}
