package io.tidemark.sink.jdbc.dialect;

import io.tidemark.core.mapping.ChildTable;
import io.tidemark.core.mapping.SqlType;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.mapping.TableMapping.TableColumn;
import io.tidemark.core.mapping.ValueEncoding;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Everything the JDBC sink says in one database's SQL: one method per statement, so that a second
 * database (MySQL, MariaDB) is a new implementation rather than a fork of the writer.
 *
 * <p>Statement methods return SQL text only; they are called once per table mapping or once per
 * sink and the result is cached, so they may be slow. Parameters are bound by the writer in the
 * order each method's Javadoc gives. Implementations are stateless and thread-safe.
 *
 * <p>Row values reach the dialect as the target database's text input form of each column, in
 * {@link TableMapping#tableColumns()} order, spelled by its {@link #valueEncoding()}; the dialect
 * decides how to cast them.
 */
public interface SqlDialect {

  /** The statements of the metadata schema (positions, copy progress, dead letters, lease). */
  MetadataSql metadataSql();

  /**
   * How this database spells the values core's converter hands over in rows (arrays, binary,
   * Booleans, dates and times, NaN and infinities); the sink gives it to the pipeline ({@link
   * io.tidemark.core.spi.ChangeSink#valueEncoding()}).
   */
  ValueEncoding valueEncoding();

  /** Name for messages, e.g. {@code PostgreSQL}. */
  String name();

  /** The identifier quoted so that any character, including the quote itself, is kept. */
  String quoteIdentifier(String identifier);

  /** {@code schema.name}, both quoted. */
  default String qualify(String schema, String name) {
    return quoteIdentifier(schema) + "." + quoteIdentifier(name);
  }

  /**
   * Driver properties for every connection: the name the database shows for the session, the socket
   * connect timeout, the socket timeout (the longest wait for the database without a byte moving,
   * after which the connection counts as lost) and TCP keepalive. A property the JDBC URL sets
   * itself keeps the URL's value.
   */
  Map<String, String> connectionProperties(
      String applicationName, int connectTimeoutSeconds, int socketTimeoutSeconds);

  /**
   * The socket timeout the JDBC URL sets itself, in seconds (0 waits forever); empty when the URL
   * sets none, and {@link #connectionProperties}' value applies.
   */
  OptionalInt socketTimeoutInUrl(String jdbcUrl);

  // ---- target tables -------------------------------------------------------------------------

  /** Query: one row if the schema exists. Parameters: schema. */
  String selectSchemaExists();

  /** DDL creating the schema. */
  String createSchema(String schema);

  /**
   * Query for the columns of an existing table, in table order. Parameters: schema, table. Columns:
   * name, type as the database writes it, not-null flag, has-default flag. No rows when the table
   * does not exist.
   */
  String selectTableColumns();

  /**
   * Query: one row if the table has a unique index or primary key made of exactly one column.
   * Parameters: schema, table, column.
   */
  String selectSingleColumnUniqueKey();

  /**
   * Query: the columns of a table's primary key, in key order; no rows when it has none.
   * Parameters: schema, table.
   */
  String selectPrimaryKeyColumns();

  /** DDL creating the mapping's table (if absent) with the key column as primary key. */
  String createTable(String schema, TableMapping mapping);

  /** DDL creating the mapping's table and its child tables, in that order. */
  default List<String> createTables(String schema, TableMapping mapping) {
    List<String> all = new java.util.ArrayList<>();
    all.add(createTable(schema, mapping));
    for (ChildTable child : mapping.childTables()) {
      all.add(createChildTable(schema, child));
    }
    return all;
  }

  /**
   * True when a column of type {@code found} (as {@link #selectTableColumns()} reports it) stores
   * every value of {@code expected} without loss.
   */
  boolean isCompatible(SqlType expected, String found);

  /**
   * Multi-row upsert. Parameters: one array of text values per table column, in {@link
   * TableMapping#tableColumns()} order, all of the same length; bound with {@link #bindTextArray}.
   */
  String upsert(String schema, TableMapping mapping);

  /**
   * Multi-row delete by key. Parameter: the array of key texts, bound with {@link #bindTextArray}.
   */
  default String deleteByKeys(String schema, TableMapping mapping) {
    return deleteByKeys(schema, mapping.table(), mapping.keyColumn());
  }

  /**
   * Multi-row delete of every row whose {@code keyColumn} is one of the keys (for a child table,
   * every row of those documents). Parameter: the array of key texts.
   */
  String deleteByKeys(String schema, String table, String keyColumn);

  /** The statement that bulk-loads rows into the mapping's table; see {@link #bulkLoad}. */
  default String bulkLoadStatement(String schema, TableMapping mapping) {
    return bulkLoadStatement(schema, mapping.table(), mapping.tableColumns());
  }

  /** The statement that bulk-loads rows of these columns into a table; see {@link #bulkLoad}. */
  String bulkLoadStatement(String schema, String table, List<TableColumn> columns);

  /**
   * DDL creating a child table (if absent), its primary key the key column and the index columns.
   * No foreign key to the parent: the sink rewrites a document's child rows with its row, in the
   * same transaction, and a rebuild swaps parent and children together.
   */
  String createChildTable(String schema, ChildTable table);

  /**
   * Multi-row insert (no conflict handling: a child table's old rows are deleted first).
   * Parameters: one text array per column, in order, all of the same length.
   */
  String insertRows(String schema, String table, List<TableColumn> columns);

  /**
   * Loads the rows with the statement from {@link #bulkLoadStatement}, streaming them rather than
   * building one request in memory. Runs in the connection's current transaction.
   *
   * @return rows the database reports as loaded
   */
  long bulkLoad(
      Connection connection, String statement, List<? extends CharSequence[]> rows, int columnCount)
      throws SQLException;

  /** Binds an array of texts (elements may be null) as one statement parameter. */
  void bindTextArray(PreparedStatement statement, int index, String[] values) throws SQLException;

  // ---- evolved columns ----------------------------------------------------------------------

  /** DDL adding a nullable column. */
  String addColumn(String schema, String table, String column, SqlType type);

  /** DDL changing a column's type to jsonb, converting the values it holds. */
  String widenColumnToJsonb(String schema, String table, String column);

  // ---- errors --------------------------------------------------------------------------------

  /**
   * True when the failure means the database cannot be reached right now, so that retrying later
   * without operator action may succeed.
   */
  boolean isConnectionFailure(SQLException e);

  /**
   * True when another session's locks or writes ended the transaction (deadlock, serialization
   * failure, lock wait timeout): it was rolled back whole and running it again as it was is safe
   * and may succeed once the other session is done.
   */
  boolean isLockConflict(SQLException e);

  /**
   * A statement with one text parameter (a name) that waits, inside the caller's transaction, for a
   * lock on that name held until the transaction ends: it serialises the creation of schemas and
   * tables between sessions, which {@code IF NOT EXISTS} alone does not.
   */
  String lockNameForTransaction();

  /** True when the statement broke a unique or primary-key constraint (a key already there). */
  boolean isUniqueViolation(SQLException e);

  /**
   * True when the statement was cancelled (a statement timeout, an administrator, or the sink's own
   * caller); retrying later may succeed, but not at once and not without the caller deciding.
   */
  boolean isCancelled(SQLException e);

  // ---- sessions the sink gave up on ---------------------------------------------------------

  /**
   * The database's id of the connection's session (its server process), known to the driver without
   * a round trip; empty when the driver does not tell.
   */
  OptionalInt sessionId(Connection connection) throws SQLException;

  /**
   * Query: ends a session of the current user and application, if it is still open. Parameters:
   * session id, application name (null matches a session without one).
   */
  String terminateSession();

  /**
   * Query: one row while the session is open. Parameters: session id, application name. Each call
   * must see the database as it is now, so it runs in a transaction of its own.
   */
  String selectSessionOpen();

  /** What an operator should do about a failure with this SQLSTATE, or null when unknown. */
  String advice(String sqlState);

  // ---- rebuilds ------------------------------------------------------------------------------

  /**
   * Bounds how long each statement of the current transaction waits for a lock; a statement that
   * waits longer fails with an error {@link #isLockConflict} recognises.
   */
  String setLockTimeout(long millis);

  /**
   * Query: which of the named tables exist in the schema, one name per row. Parameters: schema,
   * array of table names.
   */
  String selectExistingTables();

  /**
   * Takes exclusive locks on the tables in the order given, in one statement, before a transaction
   * changes them: a transaction that takes its locks one by one as it goes can deadlock with a
   * reader that takes the same tables in another order.
   */
  String lockTablesExclusively(String schema, List<String> tables);

  /** Empties a table (a rebuild starting its copy again). */
  String truncateTable(String schema, String table);

  /** Drops a table if it exists. */
  String dropTableIfExists(String schema, String table);

  /**
   * The statements that replace {@code live} by {@code shadow} inside one transaction: drop the
   * live table, give the shadow table (and its primary key) the live names.
   */
  List<String> swapTables(String schema, String live, String shadow);
}
