package io.tidemark.sink.jdbc.schema;

import io.tidemark.core.error.ErrorCode;
import io.tidemark.core.error.TidemarkException;
import io.tidemark.core.mapping.ChildTable;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.mapping.TableMapping.TableColumn;
import io.tidemark.sink.jdbc.dialect.SqlDialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Target tables from mappings: creates a missing table, and checks that an existing one can take
 * every mapped column, so that a mismatch is reported once at start with the fix rather than as a
 * failed batch later. Thread-safe; every method runs in the caller's transaction.
 */
public final class TargetTables {

  private final SqlDialect dialect;
  private final String schema;

  private TargetTables(SqlDialect dialect, String schema) {
    this.dialect = dialect;
    this.schema = schema;
  }

  /**
   * Target tables in {@code schema}, in the dialect's SQL. Dialects are stateless, so the instance
   * may be shared.
   */
  public static TargetTables in(String schema, SqlDialect dialect) {
    return new TargetTables(dialect, schema);
  }

  /** The target schema. */
  public String schema() {
    return schema;
  }

  /** What {@link #prepare} found. */
  public enum Outcome {
    /** The table did not exist and was created. */
    CREATED,
    /** The table existed and fits the mapping. */
    CHECKED
  }

  /**
   * What {@link #prepare} did.
   *
   * @param table the collection's table
   * @param createdChildTables child tables that did not exist and were created
   * @param columns the names of the table's columns, as the database has them now
   */
  public record Prepared(Outcome table, List<String> createdChildTables, Set<String> columns) {
    public Prepared {
      createdChildTables = List.copyOf(createdChildTables);
      columns = Set.copyOf(columns);
    }
  }

  /**
   * Creates the schema, the table and its child tables if absent; otherwise checks the existing
   * ones.
   *
   * @throws TidemarkException with {@link ErrorCode#SINK_FAILED} listing every column that does not
   *     fit: missing, of an incompatible type, or NOT NULL without a default and unmapped
   * @throws SQLException when the database refuses a query or the DDL
   */
  public Prepared prepare(Connection connection, TableMapping mapping) throws SQLException {
    if (!schemaExists(connection)) {
      // Only when absent: CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege even when the
      // schema is already there.
      execute(connection, dialect.createSchema(schema));
    }
    Outcome outcome = prepareTable(connection, mapping);
    List<String> created = new ArrayList<>();
    for (ChildTable child : mapping.childTables()) {
      Map<String, ExistingColumn> existing = readColumns(connection, child.table());
      if (existing.isEmpty()) {
        execute(connection, dialect.createChildTable(schema, child));
        created.add(child.table());
      } else {
        List<String> problems = checkColumns(child.table(), child.tableColumns(), existing);
        checkPrimaryKey(connection, child.table(), child.primaryKey(), problems);
        failIfAny(
            problems,
            child.table(),
            "the child table of "
                + child.describePath()
                + " of collection '"
                + mapping.collection()
                + "'");
      }
    }
    return new Prepared(outcome, created, readColumns(connection, mapping.table()).keySet());
  }

  private Outcome prepareTable(Connection connection, TableMapping mapping) throws SQLException {
    Map<String, ExistingColumn> existing = readColumns(connection, mapping.table());
    if (existing.isEmpty()) {
      execute(connection, dialect.createTable(schema, mapping));
      return Outcome.CREATED;
    }
    List<String> problems = checkColumns(mapping.table(), mapping.tableColumns(), existing);
    if (existing.containsKey(mapping.keyColumn()) && !hasUniqueKey(connection, mapping)) {
      String key = dialect.quoteIdentifier(mapping.keyColumn());
      problems.add(
          "key column "
              + key
              + " has no primary key or unique index (add one with ALTER TABLE "
              + dialect.qualify(schema, mapping.table())
              + " ADD PRIMARY KEY ("
              + key
              + "))");
    }
    if (mapping.hasCompositeKey()) {
      checkPrimaryKey(connection, mapping.table(), mapping.primaryKey(), problems);
    }
    failIfAny(
        problems, mapping.table(), "the mapping of collection '" + mapping.collection() + "'");
    return Outcome.CHECKED;
  }

  /**
   * Adds a problem when the table's primary key is not made of the expected columns in that order:
   * the rows Tidemark writes would be keyed differently from what the table enforces.
   */
  private void checkPrimaryKey(
      Connection connection, String tableName, List<String> expected, List<String> problems)
      throws SQLException {
    List<String> found = new ArrayList<>();
    try (PreparedStatement ps = connection.prepareStatement(dialect.selectPrimaryKeyColumns())) {
      ps.setString(1, schema);
      ps.setString(2, tableName);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          found.add(rs.getString(1));
        }
      }
    }
    if (!found.equals(expected)) {
      String wanted = String.join(", ", expected.stream().map(dialect::quoteIdentifier).toList());
      problems.add(
          (found.isEmpty()
                  ? "it has no primary key"
                  : "its primary key is ("
                      + String.join(", ", found.stream().map(dialect::quoteIdentifier).toList())
                      + ")")
              + " but the mapping's is ("
              + wanted
              + ") (recreate the key over those columns, or change primaryKey)");
    }
  }

  /** Every way the existing columns of a table fail to take the expected ones. */
  private List<String> checkColumns(
      String tableName, List<TableColumn> expected, Map<String, ExistingColumn> existing) {
    List<String> problems = new ArrayList<>();
    String table = dialect.qualify(schema, tableName);
    Set<String> mapped = new HashSet<>();
    for (TableColumn c : expected) {
      mapped.add(c.name());
      String quoted = dialect.quoteIdentifier(c.name());
      ExistingColumn found = existing.get(c.name());
      if (found == null) {
        problems.add(
            "column "
                + quoted
                + " is missing (expected type "
                + c.type().ddl()
                + "; add it with ALTER TABLE "
                + table
                + " ADD COLUMN "
                + quoted
                + " "
                + c.type().ddl()
                + ")");
      } else if (!dialect.isCompatible(c.type(), found.type())) {
        problems.add(
            "column "
                + quoted
                + " has type "
                + found.type()
                + " but the mapping expects "
                + c.type().ddl()
                + " (change it with ALTER TABLE "
                + table
                + " ALTER COLUMN "
                + quoted
                + " TYPE "
                + c.type().ddl()
                + ", or change the mapping)");
      }
    }
    for (ExistingColumn e : existing.values()) {
      if (!mapped.contains(e.name()) && e.notNull() && !e.hasDefault()) {
        problems.add(
            "column "
                + dialect.quoteIdentifier(e.name())
                + " is NOT NULL without a default but no field is mapped to it (give it a"
                + " default, drop NOT NULL, or map a field to it)");
      }
    }
    return problems;
  }

  private void failIfAny(List<String> problems, String tableName, String what) {
    if (!problems.isEmpty()) {
      throw new TidemarkException(
          ErrorCode.SINK_FAILED,
          "Table "
              + dialect.qualify(schema, tableName)
              + " exists but does not fit "
              + what
              + ": "
              + String.join("; ", problems)
              + ". Fix the table or the mapping, or drop the table so that Tidemark creates it.");
    }
  }

  private boolean schemaExists(Connection connection) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(dialect.selectSchemaExists())) {
      ps.setString(1, schema);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private Map<String, ExistingColumn> readColumns(Connection connection, String table)
      throws SQLException {
    Map<String, ExistingColumn> columns = new LinkedHashMap<>();
    try (PreparedStatement ps = connection.prepareStatement(dialect.selectTableColumns())) {
      ps.setString(1, schema);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          ExistingColumn c =
              new ExistingColumn(
                  rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getBoolean(4));
          columns.put(c.name(), c);
        }
      }
    }
    return columns;
  }

  private boolean hasUniqueKey(Connection connection, TableMapping mapping) throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement(dialect.selectSingleColumnUniqueKey())) {
      ps.setString(1, schema);
      ps.setString(2, mapping.table());
      ps.setString(3, mapping.keyColumn());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static void execute(Connection connection, String ddl) throws SQLException {
    try (Statement st = connection.createStatement()) {
      st.execute(ddl);
    }
  }

  private record ExistingColumn(String name, String type, boolean notNull, boolean hasDefault) {}
}
