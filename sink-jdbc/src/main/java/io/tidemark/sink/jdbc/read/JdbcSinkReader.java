package io.tidemark.sink.jdbc.read;

import io.tidemark.core.config.ConfigKeys;
import io.tidemark.core.config.ConnectionStrings;
import io.tidemark.core.config.SinkConfig;
import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.mapping.ValueEncoding;
import io.tidemark.core.spi.SinkReader;
import io.tidemark.core.spi.TableScanner;
import io.tidemark.sink.jdbc.dialect.SqlDialect;
import io.tidemark.sink.jdbc.write.JdbcChangeSink;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The sink's read-only side ({@link SinkReader}) on PostgreSQL: plain connections, opened per read
 * and closed after it, with no pool, no metadata schema and no lock, so it runs beside a daemon and
 * with a user that may only read. Thread-safe.
 */
public final class JdbcSinkReader implements SinkReader {

  /** How long opening a connection may take: the daemon's wait for a reachable server. */
  private static final int CONNECT_TIMEOUT_SECONDS = 10;

  private final SinkConfig config;
  private final SqlDialect dialect;
  private final String schema;
  private final PGSimpleDataSource dataSource;

  private JdbcSinkReader(SinkConfig config, String applicationName) {
    this.config = config;
    this.dialect = JdbcChangeSink.dialectFor(config.jdbcUrl());
    String configured = config.schema();
    this.schema =
        configured == null || configured.isBlank()
            ? ConfigKeys.SINK_SCHEMA.defaultValue()
            : configured;
    this.dataSource = new PGSimpleDataSource();
    dataSource.setURL(config.jdbcUrl());
    if (config.username() != null) {
      dataSource.setUser(config.username());
    }
    if (config.password() != null) {
      dataSource.setPassword(config.password());
    }
    dataSource.setApplicationName(applicationName);
    dataSource.setConnectTimeout(CONNECT_TIMEOUT_SECONDS);
  }

  /**
   * Opens the reader and checks that the database answers.
   *
   * @param applicationName what the database's session list shows, such as {@code tidemark-verify}
   * @throws TidemarkException {@code SINK_UNAVAILABLE} or {@code SINK_FAILED} when it does not,
   *     saying which settings to check
   */
  public static JdbcSinkReader open(SinkConfig config, String applicationName) {
    JdbcSinkReader reader = new JdbcSinkReader(config, applicationName);
    reader.read(
        "connect",
        connection -> {
          connection.isValid(CONNECT_TIMEOUT_SECONDS);
          return null;
        });
    return reader;
  }

  @Override
  public ValueEncoding valueEncoding() {
    return dialect.valueEncoding();
  }

  @Override
  public TableScanner scanner(TableMapping mapping) {
    return new JdbcTableScanner(this, dialect, schema, mapping);
  }

  /** One read on a connection of its own; an {@link SQLException} becomes a sink error. */
  <T> T read(String doing, Read<T> read) {
    try (Connection connection = connect()) {
      return read.run(connection);
    } catch (SQLException e) {
      throw failed(e, doing);
    }
  }

  @FunctionalInterface
  interface Read<T> {
    T run(Connection connection) throws SQLException;
  }

  /**
   * A connection whose float output reads back exactly (PostgreSQL before 12 rounds to 15 digits
   * unless asked for more).
   */
  private Connection connect() throws SQLException {
    Connection c = dataSource.getConnection();
    try (Statement st = c.createStatement()) {
      st.execute("SET extra_float_digits = 3");
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return c;
  }

  private TidemarkException failed(SQLException e, String doing) {
    String state = e.getSQLState();
    boolean unavailable = state != null && state.startsWith("08");
    return new TidemarkException(
        unavailable ? ErrorCode.SINK_UNAVAILABLE : ErrorCode.SINK_FAILED,
        "could not "
            + doing
            + " at "
            + ConnectionStrings.mask(config.jdbcUrl())
            + " (SQLSTATE "
            + state
            + ": "
            + firstLine(e.getMessage())
            + "). Check sink.jdbcUrl, sink.username and sink.password, and that the user may"
            + " read the tables.",
        state,
        e);
  }

  private static String firstLine(String m) {
    if (m == null) {
      return "no message";
    }
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /** Nothing to release: every read closes its own connection. */
  @Override
  public void close() {}
}
