package io.tidemark.app.verify;

import io.tidemark.core.mapping.ChildTable;
import io.tidemark.core.mapping.MappedRow;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.mapping.TableMapping.TableColumn;
import io.tidemark.sink.jdbc.dialect.SqlDialect;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The columns a comparison looks at — every table column of the mapping after the key, then one
 * cell per child table holding the document's child rows ({@link ChildCells}) — and how to bring
 * each side's values to comparable {@link ColumnForms}. Immutable.
 */
final class RowShape {
  private final TableMapping mapping;
  private final List<TableColumn> columns;
  private final List<ChildTable> children;

  RowShape(TableMapping mapping) {
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
    String[] values = row.values();
    String[] cells = new String[columns.size() + children.size()];
    for (int i = 0; i < columns.size(); i++) {
      cells[i] = ColumnForms.fromInput(columns.get(i).type(), values[i + 1]);
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

  /** The names of the columns whose cells differ, for the report. */
  List<String> differingColumns(String[] expected, String[] actual) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      if (!java.util.Objects.equals(expected[i], actual[i])) {
        out.add(columns.get(i).name());
      }
    }
    for (int i = 0; i < children.size(); i++) {
      int at = columns.size() + i;
      if (!java.util.Objects.equals(expected[at], actual[at])) {
        out.add("child table " + children.get(i).table());
      }
    }
    return out;
  }

  static boolean same(String[] expected, String[] actual) {
    return Arrays.equals(expected, actual);
  }
}
