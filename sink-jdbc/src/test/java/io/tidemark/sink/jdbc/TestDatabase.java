package io.tidemark.sink.jdbc;

import io.tidemark.core.config.SinkConfig;
import io.tidemark.harness.postgres.EmbeddedSettings;
import io.tidemark.harness.postgres.PostgresServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * The sink's tests' view of a PostgreSQL from the harness: the JVM's shared server ({@link
 * #shared()}: the environment's, Testcontainers' or an embedded one) with fresh schema names per
 * test so that tests never see each other's tables, or a private embedded one for tests that stop
 * it ({@link #start()}), plus the queries the tests read tables with.
 */
public final class TestDatabase implements AutoCloseable {

  private static final AtomicInteger NAMES = new AtomicInteger();

  private final PostgresServer server;

  private TestDatabase(PostgresServer server) {
    this.server = server;
  }

  /** The JVM's shared server; starting it once saves seconds per test class. */
  public static TestDatabase shared() {
    return new TestDatabase(PostgresServer.shared());
  }

  /** A private embedded server, for tests that stop it. */
  public static TestDatabase start() {
    return new TestDatabase(PostgresServer.embedded(EmbeddedSettings.DEFAULT));
  }

  /** A name no other test of this JVM uses, e.g. {@code t_17}. */
  public static String freshName(String prefix) {
    return prefix + "_" + NAMES.incrementAndGet();
  }

  public String host() {
    return server.host();
  }

  public String username() {
    return server.username();
  }

  public String password() {
    return server.password();
  }

  public int port() {
    return server.port();
  }

  public String jdbcUrl() {
    return server.jdbcUrl();
  }

  /** The server's main database, in auto-commit mode. */
  public DataSource dataSource() {
    return server.dataSource();
  }

  /** A sink configuration for the server's user with the given schemas. */
  public SinkConfig config(String schema, String metadataSchema) {
    return new SinkConfig(
        server.jdbcUrl(), server.username(), server.password(), schema, metadataSchema, 2);
  }

  public void execute(String sql) {
    try (Connection c = dataSource().getConnection();
        Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  /** Every row of a query, each column as its text form (null stays null). */
  public List<List<String>> query(String sql) {
    try (Connection c = dataSource().getConnection();
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      List<List<String>> rows = new ArrayList<>();
      while (rs.next()) {
        List<String> row = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          row.add(rs.getString(i));
        }
        rows.add(row);
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  /** Each column of a table as (name, type as {@code format_type} writes it), in table order. */
  public List<List<String>> columnTypes(String schema, String table) {
    return query(
        "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '"
            + schema
            + "."
            + table
            + "'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum");
  }

  /**
   * Waits until a session named {@code applicationName} waits for a lock, and returns its process
   * id; fails after 20 seconds.
   */
  public int awaitSessionWaitingForALock(String applicationName) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      List<List<String>> waiting =
          query(
              "SELECT pid FROM pg_stat_activity WHERE application_name = '"
                  + applicationName.replace("'", "''")
                  + "' AND wait_event_type = 'Lock'");
      if (!waiting.isEmpty()) {
        return Integer.parseInt(waiting.get(0).get(0));
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no session named '" + applicationName + "' waited for a lock");
  }

  /** The single value of a one-row, one-column query. */
  public String queryValue(String sql) {
    List<List<String>> rows = query(sql);
    if (rows.size() != 1 || rows.get(0).size() != 1) {
      throw new IllegalStateException(sql + " returned " + rows);
    }
    return rows.get(0).get(0);
  }

  /** Stops a private server; the shared one stops with the JVM. */
  @Override
  public void close() {
    server.close();
  }
}
