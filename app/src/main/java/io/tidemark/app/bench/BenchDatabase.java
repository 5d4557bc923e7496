package io.tidemark.app.bench;

import io.tidemark.core.config.SinkConfig;
import io.tidemark.harness.postgres.EmbeddedSettings;
import io.tidemark.harness.postgres.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.StringJoiner;

/**
 * The PostgreSQL every path of one benchmark run writes to: the user's (a JDBC URL) or an embedded
 * one. Everything the benchmark creates lives in two schemas of its own, {@value #SCHEMA} and
 * {@value #METADATA_SCHEMA}, which it drops before and after the run; nothing else is touched.
 */
final class BenchDatabase implements AutoCloseable {
  static final String SCHEMA = "tidemark_bench";
  static final String METADATA_SCHEMA = "tidemark_bench_meta";

  private final PostgresServer server;

  private BenchDatabase(PostgresServer server) {
    this.server = server;
  }

  static BenchDatabase at(String url, String user, String password) {
    return new BenchDatabase(PostgresServer.external(url, user, password));
  }

  /**
   * Starts an embedded PostgreSQL with the server's own defaults for durability: the fast settings
   * tests use would flatter every path that commits often (the naive one most).
   */
  static BenchDatabase embedded() {
    return new BenchDatabase(PostgresServer.embedded(EmbeddedSettings.durable()));
  }

  boolean isEmbedded() {
    return server.kind() == PostgresServer.Kind.EMBEDDED;
  }

  String jdbcUrl() {
    return server.jdbcUrl();
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(server.jdbcUrl(), server.username(), server.password());
  }

  /** The sink settings Tidemark's paths use: the benchmark's schemas, the default pool size. */
  SinkConfig sinkConfig(int poolSize) {
    return new SinkConfig(
        server.jdbcUrl(), server.username(), server.password(), SCHEMA, METADATA_SCHEMA, poolSize);
  }

  /** Drops and recreates the benchmark's target schema and drops its metadata schema. */
  void resetSchemas() throws SQLException {
    dropSchemas();
    execute("CREATE SCHEMA " + SCHEMA);
  }

  void dropSchemas() throws SQLException {
    execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
    execute("DROP SCHEMA IF EXISTS " + METADATA_SCHEMA + " CASCADE");
  }

  /** A table shaped as Tidemark's default mapping creates it: text key, jsonb document. */
  void createDocumentTable(String table) throws SQLException {
    execute("CREATE TABLE " + qualified(table) + " (\"_id\" text PRIMARY KEY, \"doc\" jsonb)");
  }

  static String qualified(String table) {
    return SCHEMA + "." + table;
  }

  void execute(String sql) throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  /**
   * Flushes dirty pages so that each path starts without the previous one's checkpoint debt. Needs
   * superuser or pg_checkpoint; without it the run goes on (and says so in the header).
   */
  boolean checkpoint() {
    try {
      execute("CHECKPOINT");
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  /**
   * Vacuums and analyzes a table a path has just written, outside the timing, so that autovacuum
   * does not do that work in the middle of a later path and disturb it.
   */
  void vacuum(String table) throws SQLException {
    execute("VACUUM (ANALYZE) " + qualified(table));
  }

  /**
   * Whether the child table holds exactly one row per line item of the parent's documents (and how
   * many), read back from the documents' own {@code items} arrays.
   */
  String childRowsCheck(String parent, String child) throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT (SELECT count(*) FROM "
                    + qualified(child)
                    + "), (SELECT coalesce(sum(jsonb_array_length(doc->'items')), 0) FROM "
                    + qualified(parent)
                    + ")")) {
      rs.next();
      long rows = rs.getLong(1);
      long items = rs.getLong(2);
      if (rows != items) {
        throw new IllegalStateException(
            "child table " + child + " has " + rows + " rows for " + items + " line items");
      }
      return rows + " child rows, one per line item";
    }
  }

  /** The table's row count. */
  long count(String table) throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + qualified(table))) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** Row count and an order-independent hash of every row's key and document. */
  String fingerprint(String table) throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*), coalesce(sum(hashtextextended(\"_id\" || ' ' || \"doc\"::text,"
                    + " 0)), 0) FROM "
                    + qualified(table))) {
      rs.next();
      return rs.getLong(1) + " rows, hash " + Long.toHexString(rs.getBigDecimal(2).longValue());
    }
  }

  /** Server version and the settings that decide write throughput, for the report's header. */
  String describe() throws SQLException {
    StringJoiner out = new StringJoiner(", ");
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SHOW server_version")) {
        rs.next();
        out.add("PostgreSQL " + rs.getString(1) + (isEmbedded() ? " (embedded)" : ""));
      }
      for (String setting :
          new String[] {
            "shared_buffers", "synchronous_commit", "fsync", "wal_level", "max_wal_size"
          }) {
        try (PreparedStatement ps = c.prepareStatement("SELECT current_setting(?)")) {
          ps.setString(1, setting);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            out.add(setting + "=" + rs.getString(1));
          }
        }
      }
    }
    return out.toString();
  }

  @Override
  public void close() {
    server.close();
  }
}
