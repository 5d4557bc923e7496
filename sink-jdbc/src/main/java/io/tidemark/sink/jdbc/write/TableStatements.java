package io.tidemark.sink.jdbc.write;

import io.tidemark.core.mapping.ChildTable;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.sink.jdbc.dialect.SqlDialect;
import java.util.List;

/**
 * The statements of one target table and its child tables, built once when the table is prepared
 * and reused for every batch, so that the hot path builds no SQL and the database can keep one plan
 * per statement.
 *
 * @param mapping the mapping the statements were built from
 * @param table the quoted, schema-qualified table name, for messages
 * @param columnCount values per row
 * @param upsert multi-row upsert, one array parameter per column
 * @param deleteByKeys multi-row delete, one array parameter of keys
 * @param bulkLoad the snapshot bulk-load statement
 * @param children the child tables' statements, in {@link TableMapping#childTables()} order
 */
record TableStatements(
    TableMapping mapping,
    String table,
    int columnCount,
    String upsert,
    String deleteByKeys,
    String bulkLoad,
    List<ChildStatements> children) {

  static TableStatements of(SqlDialect dialect, String schema, TableMapping mapping) {
    return new TableStatements(
        mapping,
        dialect.qualify(schema, mapping.table()),
        mapping.tableColumns().size(),
        dialect.upsert(schema, mapping),
        dialect.deleteByKeys(schema, mapping),
        dialect.bulkLoadStatement(schema, mapping),
        mapping.childTables().stream().map(c -> ChildStatements.of(dialect, schema, c)).toList());
  }

  /** For messages: the table, and its child tables when it has some. */
  String describeTables() {
    if (children.isEmpty()) {
      return "table " + table;
    }
    return "table "
        + table
        + " and its child tables "
        + String.join(", ", children.stream().map(ChildStatements::table).toList());
  }

  /**
   * The statements of one child table: a document's child rows are deleted by its key and inserted
   * again, so no statement needs the element's identity.
   *
   * @param table the quoted, schema-qualified table name, for messages
   * @param columnCount values per row
   * @param insert multi-row insert, one array parameter per column
   * @param deleteByKeys deletes every row of the given document keys
   * @param bulkLoad the snapshot bulk-load statement
   */
  record ChildStatements(
      String table, int columnCount, String insert, String deleteByKeys, String bulkLoad) {

    static ChildStatements of(SqlDialect dialect, String schema, ChildTable child) {
      return new ChildStatements(
          dialect.qualify(schema, child.table()),
          child.tableColumns().size(),
          dialect.insertRows(schema, child.table(), child.tableColumns()),
          dialect.deleteByKeys(schema, child.table(), child.keyColumn()),
          dialect.bulkLoadStatement(schema, child.table(), child.tableColumns()));
    }
  }
}
