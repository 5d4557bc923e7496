package io.tidemark.sink.jdbc.write;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import io.tidemark.core.config.ConfigKeys;
import io.tidemark.core.config.ConnectionStrings;
import io.tidemark.core.config.SinkConfig;
import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.sink.jdbc.dialect.SqlDialect;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Opens the sink's HikariCP pool, failing within seconds when the database cannot be used. Every
 * connection, pooled or the writer lock's, gives up on a database that sends nothing for the socket
 * timeout ({@link SinkConfig#socketTimeout}, unless the JDBC URL sets its own), so that a network
 * that vanished without a reset cannot hold a write, and the collection behind it, forever; TCP
 * keepalive probes watch the connection meanwhile.
 */
final class SinkPool {

  /** Every log line and pool error of HikariCP starts with this name. */
  static final String POOL_NAME = "tidemark-sink";

  /**
   * How long construction tries to get a first connection. Short, so that a wrong URL or password
   * is reported at start within seconds; the engine retries an unreachable sink on its own.
   */
  static final long INITIALIZATION_TIMEOUT_MS = 3_000;

  /** How long a writer waits for a free connection before the batch fails as unavailable. */
  static final long CONNECTION_TIMEOUT_MS = 10_000;

  /** The driver's socket connect timeout, unless the URL sets one. */
  static final int CONNECT_TIMEOUT_SECONDS = 3;

  /**
   * How often HikariCP pings a connection that sits idle in the pool. Below the idle timeouts of
   * common NATs and cloud load balancers (four minutes and up), so that they keep the connection's
   * state, and a connection that died idle is replaced before a writer borrows it. Set here, not
   * left to HikariCP's default, so that an upgrade cannot change it unnoticed.
   */
  static final long KEEPALIVE_TIME_MS = 120_000;

  private SinkPool() {}

  /**
   * Opens connections outside the pool for the writer lock, which holds one for the process's life:
   * the pool would count it as busy for good, and may retire it ({@code maxLifetime}).
   */
  static WriterLock.LockConnections lockConnections(
      SinkConfig config, String pipeline, SqlDialect dialect) {
    Properties properties = new Properties();
    dialect
        .connectionProperties(
            "tidemark " + pipeline + " writer lock",
            CONNECT_TIMEOUT_SECONDS,
            SocketTimeout.configuredSeconds(config))
        .forEach(properties::setProperty);
    if (config.username() != null) {
      properties.setProperty("user", config.username());
    }
    if (config.password() != null) {
      properties.setProperty("password", config.password());
    }
    return () -> DriverManager.getConnection(config.jdbcUrl(), properties);
  }

  static HikariDataSource open(
      SinkConfig config, String pipeline, SqlDialect dialect, SinkErrors errors) {
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName(POOL_NAME);
    hikari.setJdbcUrl(config.jdbcUrl());
    hikari.setUsername(config.username());
    hikari.setPassword(config.password());
    hikari.setMaximumPoolSize(
        config.poolSize() > 0 ? config.poolSize() : ConfigKeys.SINK_POOL_SIZE.defaultValue());
    // Every write is an explicit transaction; starting connections in that mode saves a round
    // trip per borrow.
    hikari.setAutoCommit(false);
    hikari.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
    hikari.setInitializationFailTimeout(INITIALIZATION_TIMEOUT_MS);
    hikari.setKeepaliveTime(KEEPALIVE_TIME_MS);
    dialect
        .connectionProperties(
            "tidemark " + pipeline,
            CONNECT_TIMEOUT_SECONDS,
            SocketTimeout.configuredSeconds(config))
        .forEach(hikari::addDataSourceProperty);
    long start = System.nanoTime();
    try {
      return new HikariDataSource(hikari);
    } catch (HikariPool.PoolInitializationException e) {
      long waitedMs = (System.nanoTime() - start) / 1_000_000;
      Throwable cause = e.getCause();
      if (cause instanceof SQLException) {
        throw errors.connectFailure(
            (SQLException) cause, config.jdbcUrl(), config.username(), waitedMs);
      }
      throw new TidemarkException(
          ErrorCode.SINK_FAILED,
          "Could not open the connection pool to the sink database at "
              + ConnectionStrings.mask(config.jdbcUrl())
              + " for pipeline '"
              + pipeline
              + "': "
              + SinkErrors.databaseMessage(cause == null ? e : cause)
              + ". Check sink.jdbcUrl.",
          e);
    } catch (IllegalArgumentException e) {
      throw new TidemarkException(
          ErrorCode.CONFIG_INVALID,
          "sink: "
              + SinkErrors.databaseMessage(e)
              + " (sink.jdbcUrl is "
              + ConnectionStrings.mask(config.jdbcUrl())
              + "). Fix the sink section of the configuration.",
          e);
    }
  }
}
