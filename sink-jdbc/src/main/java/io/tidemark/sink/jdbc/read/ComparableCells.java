package io.tidemark.sink.jdbc.read;

import io.tidemark.core.mapping.ChildTable;
import io.tidemark.core.mapping.MappedRow;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.mapping.TableMapping.TableColumn;
import io.tidemark.sink.jdbc.dialect.SqlDialect;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The cells a comparison looks at — every table column of the mapping after the key, then one cell
 * per child table holding the document's child rows ({@link ChildCells}) — and how to bring each
 * side's values to comparable {@link ColumnForms}: the SQL that reads them from the table and the
 * reading of a written row. Immutable.
 */
final class ComparableCells {
  private final TableMapping mapping;
  private final List<TableColumn> columns;
  private final List<ChildTable> children;

  ComparableCells(TableMapping mapping) {
    this.mapping = mapping;
    List<TableColumn> all = mapping.tableColumns();
    this.columns = List.copyOf(all.subList(1, all.size()));
    this.children = mapping.childTables();
  }

  TableMapping mapping() {
    return mapping;
  }

  /**
   * {@code key, expr1, expr2, ..., child1, ...} for a SELECT from the mapping's table in {@code
   * schema}: the columns, then one subquery per child table ({@link ChildCells}).
   */
  String selectList(SqlDialect dialect, String schema) {
    StringBuilder sql = new StringBuilder(dialect.quoteIdentifier(mapping.keyColumn()));
    for (TableColumn c : columns) {
      sql.append(", ").append(ColumnForms.select(c.type(), dialect.quoteIdentifier(c.name())));
    }
    String parentKey =
        dialect.qualify(schema, mapping.table())
            + "."
            + dialect.quoteIdentifier(mapping.keyColumn());
    for (ChildTable child : children) {
      sql.append(", ").append(ChildCells.select(dialect, schema, child, parentKey));
    }
    return sql.toString();
  }

  /** The comparable cells of a row Tidemark would write. */
  String[] fromMapped(MappedRow row) {
    CharSequence[] values = row.values();
    String[] cells = new String[columns.size() + children.size()];
    for (int i = 0; i < columns.size(); i++) {
      CharSequence input = values[i + 1];
      cells[i] =
          ColumnForms.fromInput(columns.get(i).type(), input == null ? null : input.toString());
    }
    for (int i = 0; i < children.size(); i++) {
      List<String[]> rows = row.childRows().isEmpty() ? List.of() : row.childRows().get(i);
      cells[columns.size() + i] = ChildCells.fromMapped(children.get(i), rows);
    }
    return cells;
  }

  /** The comparable cells of the current result-set row, read with {@link #selectList}. */
  String[] fromTable(ResultSet rs) throws SQLException {
    String[] cells = new String[columns.size() + children.size()];
    for (int i = 0; i < columns.size(); i++) {
      cells[i] = ColumnForms.fromTable(columns.get(i).type(), rs.getString(i + 2));
    }
    for (int i = 0; i < children.size(); i++) {
      int at = columns.size() + i;
      cells[at] = ChildCells.fromTable(children.get(i), rs.getString(at + 2));
    }
    return cells;
  }

  /** Column names, then {@code child table <name>}: what each cell holds. */
  List<String> names() {
    List<String> out = new ArrayList<>(columns.size() + children.size());
    for (TableColumn c : columns) {
      out.add(c.name());
    }
    for (ChildTable child : children) {
      out.add("child table " + child.table());
    }
    return List.copyOf(out);
  }
}
