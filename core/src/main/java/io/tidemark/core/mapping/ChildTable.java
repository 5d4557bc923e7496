package io.tidemark.core.mapping;

import io.tidemark.core.mapping.TableMapping.TableColumn;
import io.tidemark.core.value.FieldPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One child table as the sink sees it, whatever its depth: the document's key column, one index
 * column per enclosing array, the configured columns and the optional element column. Its primary
 * key is the key column plus the index columns. {@link TableMapping#childTables()} flattens the
 * configured {@link ChildMapping} tree into these.
 *
 * @param table target table name (unqualified)
 * @param keyColumn the document key column, named as in the parent table
 * @param arrays the path of each array from the document down to this table's elements; {@code
 *     [items]} for a child, {@code [items, options]} for a child of a child
 * @param indexColumns one per entry of {@code arrays}, outermost first
 * @param columns element fields to columns; paths are relative to the element
 * @param elementColumn a jsonb column holding the whole element, or null for none
 */
public record ChildTable(
    String table,
    String keyColumn,
    List<FieldPath> arrays,
    List<String> indexColumns,
    List<ColumnMapping> columns,
    String elementColumn) {

  public ChildTable {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(keyColumn, "keyColumn");
    arrays = List.copyOf(arrays);
    indexColumns = List.copyOf(indexColumns);
    columns = List.copyOf(columns);
    if (arrays.isEmpty() || arrays.size() != indexColumns.size()) {
      throw new IllegalArgumentException(
          "a child table needs one index column per array: " + arrays + " " + indexColumns);
    }
  }

  /** The same table under another name (a rebuild's shadow table). */
  public ChildTable withTable(String otherTable) {
    return new ChildTable(otherTable, keyColumn, arrays, indexColumns, columns, elementColumn);
  }

  /** Every column in order: key, index columns, configured columns, element column. */
  public List<TableColumn> tableColumns() {
    List<TableColumn> all = new ArrayList<>();
    all.add(new TableColumn(keyColumn, SqlType.TEXT));
    for (String index : indexColumns) {
      all.add(new TableColumn(index, SqlType.INTEGER));
    }
    for (ColumnMapping c : columns) {
      all.add(new TableColumn(c.column(), c.type()));
    }
    if (elementColumn != null) {
      all.add(new TableColumn(elementColumn, SqlType.JSONB));
    }
    return all;
  }

  /** The primary key: the key column and the index columns. */
  public List<String> primaryKey() {
    List<String> key = new ArrayList<>();
    key.add(keyColumn);
    key.addAll(indexColumns);
    return key;
  }

  /** The array path as users write it, for messages: {@code items[].options}. */
  public String describePath() {
    List<String> parts = new ArrayList<>();
    for (FieldPath p : arrays) {
      parts.add(p.toString());
    }
    return String.join("[].", parts);
  }
}
