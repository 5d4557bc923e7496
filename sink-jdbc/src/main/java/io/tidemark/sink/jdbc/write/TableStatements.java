package io.tidemark.sink.jdbc.write;

import io.tidemark.core.mapping.ChildTable;
import io.tidemark.core.mapping.ColumnMapping;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.value.FieldPath;
import io.tidemark.sink.jdbc.dialect.SqlDialect;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The statements of one target table and its child tables, built once when the table is prepared
 * (and again when its evolved columns change) and reused for every batch, so that the hot path
 * builds no SQL and the database can keep one plan per statement.
 *
 * <p>A table that evolves has its evolved columns right after the configured ones; a mapped row
 * does not hold their values (its {@link io.tidemark.core.mapping.MappedRow#unmappedFields()} do),
 * so the writer splices them in at {@link #evolvedAt()}.
 *
 * @param mapping the mapping the statements were built from, without evolved columns
 * @param table the quoted, schema-qualified table name, for messages
 * @param valueCount values per mapped row
 * @param columnCount values per written row: {@code valueCount} plus the evolved columns
 * @param upsert multi-row upsert, one array parameter per column
 * @param deleteByKeys multi-row delete, one array parameter of keys
 * @param bulkLoad the snapshot bulk-load statement
 * @param children the child tables' statements, in {@link TableMapping#childTables()} order
 * @param evolved the table's evolved columns, in the order they were added
 * @param takenColumns every column name the table has or the mapping uses: an evolved column may
 *     take none of them
 */
record TableStatements(
    TableMapping mapping,
    String table,
    int valueCount,
    int columnCount,
    String upsert,
    String deleteByKeys,
    String bulkLoad,
    List<ChildStatements> children,
    List<EvolvedColumn> evolved,
    Set<String> takenColumns) {

  TableStatements {
    children = List.copyOf(children);
    evolved = List.copyOf(evolved);
    takenColumns = Set.copyOf(takenColumns);
  }

  static TableStatements of(SqlDialect dialect, String schema, TableMapping mapping) {
    return of(dialect, schema, mapping, List.of(), Set.of());
  }

  /**
   * @param existingColumns the columns the table has in the database
   */
  static TableStatements of(
      SqlDialect dialect,
      String schema,
      TableMapping mapping,
      List<EvolvedColumn> evolved,
      Set<String> existingColumns) {
    TableMapping written =
        evolved.isEmpty()
            ? mapping
            : mapping.withColumnsAdded(
                evolved.stream()
                    .map(
                        e ->
                            new ColumnMapping(
                                new FieldPath(List.of(e.field())), e.column(), e.type()))
                    .toList());
    Set<String> taken = new HashSet<>(existingColumns);
    written.tableColumns().forEach(c -> taken.add(c.name()));
    return new TableStatements(
        mapping,
        dialect.qualify(schema, mapping.table()),
        mapping.tableColumns().size(),
        written.tableColumns().size(),
        dialect.upsert(schema, written),
        dialect.deleteByKeys(schema, mapping),
        dialect.bulkLoadStatement(schema, written),
        mapping.childTables().stream().map(c -> ChildStatements.of(dialect, schema, c)).toList(),
        evolved,
        taken);
  }

  /** The same table's statements with these evolved columns (after an evolution). */
  TableStatements withEvolved(SqlDialect dialect, String schema, List<EvolvedColumn> columns) {
    return of(dialect, schema, mapping, columns, takenColumns);
  }

  /** The same evolved columns for another mapping (a rebuilt table swapped in under its name). */
  TableStatements forMapping(SqlDialect dialect, String schema, TableMapping other) {
    return of(dialect, schema, other, evolved, takenColumns);
  }

  /** Where the evolved columns' values go in a written row: after the configured columns. */
  int evolvedAt() {
    return 1 + mapping.columns().size();
  }

  /** Each evolved column's position among the evolved columns, by field. */
  Map<String, Integer> evolvedIndex() {
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < evolved.size(); i++) {
      index.put(evolved.get(i).field(), i);
    }
    return index;
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
