package io.tidemark.sink.jdbc.dialect.postgres;

import io.tidemark.core.mapping.ChildTable;
import io.tidemark.core.mapping.SqlType;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.mapping.TableMapping.TableColumn;
import io.tidemark.core.mapping.ValueEncoding;
import io.tidemark.sink.jdbc.dialect.MetadataSql;
import io.tidemark.sink.jdbc.dialect.SqlDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.StringJoiner;
import org.postgresql.Driver;
import org.postgresql.PGConnection;

/**
 * PostgreSQL 11 and later. Multi-row writes pass one {@code text[]} per column and {@code unnest}
 * them, so a batch is one statement whatever its size and the statement text (hence the server's
 * prepared plan) is the same for every batch of a table; snapshots load with {@code COPY FROM
 * STDIN} in text format.
 */
public final class PostgresDialect implements SqlDialect {

  @Override
  public MetadataSql metadataSql() {
    return PostgresMetadataSql.INSTANCE;
  }

  @Override
  public ValueEncoding valueEncoding() {
    return PostgresValueEncoding.INSTANCE;
  }

  @Override
  public String name() {
    return "PostgreSQL";
  }

  @Override
  public String quoteIdentifier(String identifier) {
    return quote(identifier);
  }

  static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  @Override
  public Map<String, String> connectionProperties(
      String applicationName, int connectTimeoutSeconds, int socketTimeoutSeconds) {
    // pgjdbc reads the URL's parameters over these properties, so the URL's own values win:
    // Driver.connect, https://jdbc.postgresql.org/documentation/use/#connection-parameters
    return Map.of(
        "ApplicationName",
        applicationName,
        "connectTimeout",
        Integer.toString(connectTimeoutSeconds),
        // SO_TIMEOUT on the socket: a read that gets nothing for this long fails with 08006 and
        // pgjdbc closes the connection.
        "socketTimeout",
        Integer.toString(socketTimeoutSeconds),
        "tcpKeepAlive",
        "true",
        // Bounds writes by the same socket timeout, and starts keepalive probes after a minute.
        "socketFactory",
        PostgresSocketFactory.class.getName());
  }

  @Override
  public OptionalInt socketTimeoutInUrl(String jdbcUrl) {
    Properties inUrl = Driver.parseURL(jdbcUrl, null);
    String value = inUrl == null ? null : inUrl.getProperty("socketTimeout");
    if (value == null) {
      return OptionalInt.empty();
    }
    try {
      return OptionalInt.of(Integer.parseInt(value.trim()));
    } catch (NumberFormatException e) {
      return OptionalInt.empty(); // pgjdbc refuses the URL at connect, with its own message
    }
  }

  @Override
  public String selectSchemaExists() {
    return "SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = ?";
  }

  @Override
  public String createSchema(String schema) {
    return "CREATE SCHEMA IF NOT EXISTS " + quoteIdentifier(schema);
  }

  @Override
  public String selectTableColumns() {
    return "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull,"
        + " a.atthasdef OR a.attidentity <> ''"
        + " FROM pg_catalog.pg_attribute a"
        + " JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
        + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
        + " WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')"
        + " AND a.attnum > 0 AND NOT a.attisdropped"
        + " ORDER BY a.attnum";
  }

  @Override
  public String selectSingleColumnUniqueKey() {
    // ON CONFLICT (key) needs a non-partial, non-deferrable unique index on exactly that column.
    return "SELECT 1 FROM pg_catalog.pg_index i"
        + " JOIN pg_catalog.pg_class c ON c.oid = i.indrelid"
        + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
        + " JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0]"
        + " WHERE n.nspname = ? AND c.relname = ? AND a.attname = ?"
        + " AND i.indisunique AND i.indimmediate AND i.indnkeyatts = 1"
        + " AND i.indpred IS NULL AND i.indexprs IS NULL";
  }

  @Override
  public String selectPrimaryKeyColumns() {
    return "SELECT a.attname FROM pg_catalog.pg_index i"
        + " JOIN pg_catalog.pg_class c ON c.oid = i.indrelid"
        + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
        + " JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY (i.indkey)"
        + " WHERE n.nspname = ? AND c.relname = ? AND i.indisprimary"
        + " ORDER BY array_position(i.indkey, a.attnum)";
  }

  @Override
  public String createTable(String schema, TableMapping mapping) {
    StringJoiner columns = new StringJoiner(", ", "(", ")");
    for (TableColumn c : mapping.tableColumns()) {
      String column = quoteIdentifier(c.name()) + " " + c.type().ddl();
      // With a composite primary key the key column stays the row's unique identity: upserts and
      // deletes find rows by it.
      String keyConstraint = mapping.hasCompositeKey() ? " NOT NULL UNIQUE" : " PRIMARY KEY";
      columns.add(c.name().equals(mapping.keyColumn()) ? column + keyConstraint : column);
    }
    if (mapping.hasCompositeKey()) {
      StringJoiner key = new StringJoiner(", ", "PRIMARY KEY (", ")");
      mapping.primaryKey().forEach(k -> key.add(quoteIdentifier(k)));
      columns.add(key.toString());
    }
    return "CREATE TABLE IF NOT EXISTS " + qualify(schema, mapping.table()) + " " + columns;
  }

  @Override
  public boolean isCompatible(SqlType expected, String found) {
    return PostgresColumnTypes.isCompatible(expected, found);
  }

  @Override
  public String createChildTable(String schema, ChildTable table) {
    StringJoiner columns = new StringJoiner(", ", "(", ")");
    for (TableColumn c : table.tableColumns()) {
      boolean inKey = table.primaryKey().contains(c.name());
      columns.add(quoteIdentifier(c.name()) + " " + c.type().ddl() + (inKey ? " NOT NULL" : ""));
    }
    StringJoiner key = new StringJoiner(", ", "PRIMARY KEY (", ")");
    table.primaryKey().forEach(k -> key.add(quoteIdentifier(k)));
    columns.add(key.toString());
    return "CREATE TABLE IF NOT EXISTS " + qualify(schema, table.table()) + " " + columns;
  }

  @Override
  public String insertRows(String schema, String table, List<TableColumn> columns) {
    StringJoiner names = new StringJoiner(", ", "(", ")");
    StringJoiner select = new StringJoiner(", ");
    StringJoiner arrays = new StringJoiner(", ", "(", ")");
    StringJoiner aliases = new StringJoiner(", ", "(", ")");
    for (int i = 0; i < columns.size(); i++) {
      TableColumn c = columns.get(i);
      names.add(quoteIdentifier(c.name()));
      select.add("u.c" + i + PostgresColumnTypes.castFromText(c.type()));
      arrays.add("?::text[]");
      aliases.add("c" + i);
    }
    return "INSERT INTO "
        + qualify(schema, table)
        + " "
        + names
        + " SELECT "
        + select
        + " FROM unnest"
        + arrays
        + " AS u"
        + aliases;
  }

  @Override
  public String upsert(String schema, TableMapping mapping) {
    StringJoiner updates = new StringJoiner(", ");
    for (TableColumn c : mapping.tableColumns()) {
      if (!c.name().equals(mapping.keyColumn())) {
        String quoted = quoteIdentifier(c.name());
        updates.add(quoted + " = EXCLUDED." + quoted);
      }
    }
    String onConflict = updates.length() == 0 ? "DO NOTHING" : "DO UPDATE SET " + updates;
    return insertRows(schema, mapping.table(), mapping.tableColumns())
        + " ON CONFLICT ("
        + quoteIdentifier(mapping.keyColumn())
        + ") "
        + onConflict;
  }

  @Override
  public String deleteByKeys(String schema, String table, String keyColumn) {
    return "DELETE FROM "
        + qualify(schema, table)
        + " WHERE "
        + quoteIdentifier(keyColumn)
        + " = ANY (?::text[])";
  }

  @Override
  public String bulkLoadStatement(String schema, String table, List<TableColumn> columns) {
    StringJoiner names = new StringJoiner(", ", "(", ")");
    for (TableColumn c : columns) {
      names.add(quoteIdentifier(c.name()));
    }
    return "COPY " + qualify(schema, table) + " " + names + " FROM STDIN (FORMAT text)";
  }

  @Override
  public long bulkLoad(
      Connection connection, String statement, List<? extends CharSequence[]> rows, int columnCount)
      throws SQLException {
    return PostgresCopyWriter.copy(connection, statement, rows, columnCount);
  }

  @Override
  public void bindTextArray(PreparedStatement statement, int index, String[] values)
      throws SQLException {
    // pgjdbc sends a String[] in binary array form: no quoting or escaping of the elements.
    statement.setObject(index, values);
  }

  // ---- evolved columns ----------------------------------------------------------------------

  @Override
  public String addColumn(String schema, String table, String column, SqlType type) {
    return "ALTER TABLE "
        + qualify(schema, table)
        + " ADD COLUMN "
        + quoteIdentifier(column)
        + " "
        + type.ddl();
  }

  @Override
  public String widenColumnToJsonb(String schema, String table, String column) {
    String quoted = quoteIdentifier(column);
    return "ALTER TABLE "
        + qualify(schema, table)
        + " ALTER COLUMN "
        + quoted
        + " TYPE jsonb USING to_jsonb("
        + quoted
        + ")";
  }

  // ---- errors --------------------------------------------------------------------------------

  @Override
  public boolean isConnectionFailure(SQLException e) {
    if (e instanceof SQLTransientConnectionException) {
      return true;
    }
    String state = e.getSQLState();
    return state != null
        && (state.startsWith("08")
            || state.equals("57P01")
            || state.equals("57P02")
            || state.equals("57P03")
            || state.equals("53300"));
  }

  @Override
  public String lockNameForTransaction() {
    // Two sessions running CREATE SCHEMA/TABLE IF NOT EXISTS at once can both find the name free
    // and one then fails on the catalog's unique index (pg_namespace_nspname_index,
    // pg_type_typname_nsp_index): IF NOT EXISTS is checked before, not under, the catalog insert.
    // A transaction-level advisory lock on the name serialises them; it is released at commit.
    // https://www.postgresql.org/docs/current/functions-admin.html#FUNCTIONS-ADVISORY-LOCKS
    return "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))";
  }

  @Override
  public boolean isUniqueViolation(SQLException e) {
    // 23505 unique_violation: https://www.postgresql.org/docs/current/errcodes-appendix.html
    return "23505".equals(e.getSQLState());
  }

  @Override
  public boolean isLockConflict(SQLException e) {
    // 40P01 deadlock_detected, 40001 serialization_failure, 55P03 lock_not_available (also what
    // lock_timeout raises): PostgreSQL rolls the transaction back whole, so it may be run again.
    // https://www.postgresql.org/docs/current/errcodes-appendix.html,
    // https://www.postgresql.org/docs/current/runtime-config-client.html#GUC-LOCK-TIMEOUT
    String state = e.getSQLState();
    return "40P01".equals(state) || "40001".equals(state) || "55P03".equals(state);
  }

  @Override
  public boolean isCancelled(SQLException e) {
    // 57014 query_canceled: statement_timeout, pg_cancel_backend, or the driver's Statement.cancel.
    return "57014".equals(e.getSQLState());
  }

  @Override
  public OptionalInt sessionId(Connection connection) throws SQLException {
    if (!connection.isWrapperFor(PGConnection.class)) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(connection.unwrap(PGConnection.class).getBackendPID());
  }

  @Override
  public String terminateSession() {
    // A role may end its own sessions without further privileges:
    // https://www.postgresql.org/docs/current/functions-admin.html#FUNCTIONS-ADMIN-SIGNAL
    return "SELECT pg_catalog.pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity"
        + SESSION_FILTER;
  }

  @Override
  public String selectSessionOpen() {
    // pg_stat_activity is read once per transaction and kept until it ends: each look must be a
    // transaction of its own (https://www.postgresql.org/docs/current/monitoring-stats.html).
    return "SELECT 1 FROM pg_catalog.pg_stat_activity" + SESSION_FILTER;
  }

  /** A process id is reused once its session ends: match the user and application name too. */
  private static final String SESSION_FILTER =
      " WHERE pid = ? AND application_name IS NOT DISTINCT FROM ? AND usename = current_user";

  @Override
  public String advice(String sqlState) {
    return PostgresAdvice.forSqlState(sqlState);
  }

  // ---- rebuilds ------------------------------------------------------------------------------

  @Override
  public String setLockTimeout(long millis) {
    return "SET LOCAL lock_timeout = '" + millis + "ms'";
  }

  @Override
  public String selectExistingTables() {
    return "SELECT c.relname FROM pg_catalog.pg_class c"
        + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
        + " WHERE n.nspname = ? AND c.relname = ANY (?::text[]) AND c.relkind IN ('r', 'p')";
  }

  @Override
  public String lockTablesExclusively(String schema, List<String> tables) {
    StringJoiner names = new StringJoiner(", ");
    tables.forEach(t -> names.add(qualify(schema, t)));
    // LOCK TABLE takes the locks in the order listed.
    // https://www.postgresql.org/docs/current/sql-lock.html
    return "LOCK TABLE " + names + " IN ACCESS EXCLUSIVE MODE";
  }

  @Override
  public String truncateTable(String schema, String table) {
    return "TRUNCATE TABLE " + qualify(schema, table);
  }

  @Override
  public String dropTableIfExists(String schema, String table) {
    return "DROP TABLE IF EXISTS " + qualify(schema, table);
  }

  @Override
  public List<String> swapTables(String schema, String live, String shadow) {
    // DROP and RENAME take ACCESS EXCLUSIVE locks: readers wait for the commit and then see the
    // rebuilt table; none sees an empty or half-filled one.
    return List.of(
        dropTableIfExists(schema, live),
        "ALTER TABLE " + qualify(schema, shadow) + " RENAME TO " + quoteIdentifier(live),
        "ALTER TABLE "
            + qualify(schema, live)
            + " RENAME CONSTRAINT "
            + quoteIdentifier(shadow + "_pkey")
            + " TO "
            + quoteIdentifier(live + "_pkey"));
  }
}
