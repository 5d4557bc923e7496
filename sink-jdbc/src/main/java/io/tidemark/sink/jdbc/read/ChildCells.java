package io.tidemark.sink.jdbc.read;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.tidemark.core.mapping.ChildTable;
import io.tidemark.core.mapping.TableMapping.TableColumn;
import io.tidemark.sink.jdbc.dialect.SqlDialect;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A document's rows in one child table as one comparable cell, so that a comparison checks child
 * tables with their parent row: each child row's cells after the key (positions, columns, element)
 * in the {@link ColumnForms} of their types, rows in position order, written as a JSON array of
 * arrays. No rows is {@code []}. Stateless.
 */
final class ChildCells {
  private static final JsonFactory FACTORY = new JsonFactory();

  private ChildCells() {}

  /**
   * A scalar subquery for the parent's SELECT that reads the document's child rows as a JSON array
   * of arrays of texts (NULL when there are none).
   *
   * @param parentKey the parent's key column, qualified with the parent table
   */
  static String select(SqlDialect dialect, String schema, ChildTable child, String parentKey) {
    List<TableColumn> columns = cellColumns(child);
    StringBuilder cells = new StringBuilder();
    for (TableColumn c : columns) {
      cells.append(cells.length() == 0 ? "" : ", ");
      cells.append(ColumnForms.select(c.type(), "c." + dialect.quoteIdentifier(c.name())));
    }
    StringBuilder order = new StringBuilder();
    for (String index : child.indexColumns()) {
      order
          .append(order.length() == 0 ? "" : ", ")
          .append("c.")
          .append(dialect.quoteIdentifier(index));
    }
    // An ARRAY of texts rather than json_build_array, which takes at most 100 arguments.
    return "(SELECT json_agg(ARRAY["
        + cells
        + "]::text[] ORDER BY "
        + order
        + ")::text FROM "
        + dialect.qualify(schema, child.table())
        + " c WHERE c."
        + dialect.quoteIdentifier(child.keyColumn())
        + " = "
        + parentKey
        + ")";
  }

  /** The cell of the rows Tidemark would write. */
  static String fromMapped(ChildTable child, List<String[]> rows) {
    List<TableColumn> columns = cellColumns(child);
    List<List<String>> forms = new ArrayList<>(rows.size());
    for (String[] row : rows) {
      List<String> cells = new ArrayList<>(columns.size());
      for (int i = 0; i < columns.size(); i++) {
        cells.add(ColumnForms.fromInput(columns.get(i).type(), row[i + 1]));
      }
      forms.add(cells);
    }
    return write(forms);
  }

  /** The cell of the rows the table holds, from {@link #select}'s text. */
  static String fromTable(ChildTable child, String json) {
    if (json == null) {
      return "[]";
    }
    List<TableColumn> columns = cellColumns(child);
    List<List<String>> forms = new ArrayList<>();
    try (JsonParser p = FACTORY.createParser(json)) {
      p.nextToken(); // the outer array
      while (p.nextToken() == JsonToken.START_ARRAY) {
        List<String> cells = new ArrayList<>(columns.size());
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
          String text = t == JsonToken.VALUE_NULL ? null : p.getText();
          cells.add(ColumnForms.fromTable(columns.get(cells.size()).type(), text));
        }
        forms.add(cells);
      }
    } catch (IOException | IndexOutOfBoundsException e) {
      return "!" + json; // unreadable: equal to no expected form
    }
    return write(forms);
  }

  /** The columns a child row is compared on: every column after the document key. */
  private static List<TableColumn> cellColumns(ChildTable child) {
    List<TableColumn> all = child.tableColumns();
    return all.subList(1, all.size());
  }

  private static String write(List<List<String>> rows) {
    StringBuilder out = new StringBuilder("[");
    for (List<String> row : rows) {
      out.append(out.length() == 1 ? "[" : ",[");
      for (int i = 0; i < row.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        if (row.get(i) == null) {
          out.append("null");
        } else {
          CanonicalJson.quote(row.get(i), out);
        }
      }
      out.append(']');
    }
    return out.append(']').toString();
  }
}
