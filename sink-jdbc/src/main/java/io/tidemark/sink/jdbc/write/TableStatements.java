package io.tidemark.sink.jdbc.write;

import io.tidemark.core.mapping.TableMapping;
import io.tidemark.sink.jdbc.dialect.SqlDialect;

/**
 * The statements of one target table, built once when the table is prepared and reused for every
 * batch, so that the hot path builds no SQL and the database can keep one plan per statement.
 *
 * @param mapping the mapping the statements were built from
 * @param table the quoted, schema-qualified table name, for messages
 * @param columnCount values per row
 * @param upsert multi-row upsert, one array parameter per column
 * @param deleteByKeys multi-row delete, one array parameter of keys
 * @param bulkLoad the snapshot bulk-load statement
 */
record TableStatements(
    TableMapping mapping,
    String table,
    int columnCount,
    String upsert,
    String deleteByKeys,
    String bulkLoad) {

  static TableStatements of(SqlDialect dialect, String schema, TableMapping mapping) {
    return new TableStatements(
        mapping,
        dialect.qualify(schema, mapping.table()),
        mapping.tableColumns().size(),
        dialect.upsert(schema, mapping),
        dialect.deleteByKeys(schema, mapping),
        dialect.bulkLoadStatement(schema, mapping));
  }
}
