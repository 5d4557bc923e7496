package io.tidemark.core.mapping;

import io.tidemark.core.event.DocumentFields;
import io.tidemark.core.event.DocumentFields.ArrayElement;
import io.tidemark.core.event.SourceDocument;
import io.tidemark.core.value.FieldPath;
import io.tidemark.core.value.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a document into the rows of one child table: one row per element of the table's array (for
 * a child of a child, per element of every enclosing element's array), keyed by the document key
 * and the element's position in each array. Stateless and thread-safe.
 *
 * <p>A missing or null array gives no rows. Any other value where the array should be is refused,
 * like a value that does not fit its column: dropping it silently would lose data.
 */
final class ChildRowMapper {
  private final ChildTable table;
  private final ColumnValueConverter converter;
  private final int width;
  private final int depth;

  ChildRowMapper(ChildTable table, ColumnValueConverter converter) {
    this.table = table;
    this.converter = converter;
    this.width = table.tableColumns().size();
    this.depth = table.arrays().size();
  }

  List<String[]> rows(SourceDocument document) throws ValueRejectedException {
    List<String[]> rows = new ArrayList<>();
    collect(document, 0, new int[depth], "", document.key().text(), rows);
    return rows;
  }

  private void collect(
      DocumentFields fields, int level, int[] indexes, String at, String key, List<String[]> out)
      throws ValueRejectedException {
    FieldPath array = table.arrays().get(level);
    String path = at.isEmpty() ? array.toString() : at + "." + array;
    List<? extends ArrayElement> elements = fields.elementsAt(array);
    if (elements == null) {
      Value value = fields.valueAt(array);
      if (value instanceof Value.Missing || value instanceof Value.Null) {
        return;
      }
      throw new ValueRejectedException(
          path,
          table.table(),
          value.typeName()
              + " found where child table "
              + table.table()
              + " expects an array (one row per element); map the field as a column instead, or"
              + " set onError: deadletter");
    }
    for (int i = 0; i < elements.size(); i++) {
      indexes[level] = i;
      String elementPath = path + "[" + i + "]";
      if (level + 1 < depth) {
        collect(elements.get(i), level + 1, indexes, elementPath, key, out);
      } else {
        out.add(row(elements.get(i), indexes, elementPath, key));
      }
    }
  }

  private String[] row(ArrayElement element, int[] indexes, String path, String key)
      throws ValueRejectedException {
    String[] values = new String[width];
    int next = 0;
    values[next++] = key;
    for (int index : indexes) {
      values[next++] = Integer.toString(index);
    }
    for (ColumnMapping c : table.columns()) {
      values[next++] =
          converter.convert(
              element.valueAt(c.field()),
              c.type(),
              path + "." + c.field(),
              table.table() + "." + c.column());
    }
    if (table.elementColumn() != null) {
      values[next] =
          converter.convert(
              element.value(), SqlType.JSONB, path, table.table() + "." + table.elementColumn());
    }
    return values;
  }
}
