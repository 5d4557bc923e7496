package io.tidemark.core.mapping;

import io.tidemark.core.value.FieldPath;
import java.util.List;
import java.util.Objects;

/**
 * An array of sub-documents copied into a table of its own, one row per element, as configured
 * under {@code children}. Its rows are keyed by the document's key and the element's position in
 * the array (and, for a child of a child, every enclosing element's position too).
 *
 * @param field the array's path, relative to the document (or, for a nested child, to the enclosing
 *     element)
 * @param table target table name (unqualified; the sink adds its schema)
 * @param indexColumn the integer column holding the element's position in the array, from 0
 * @param columns element fields to columns; paths are relative to the element
 * @param elementColumn a jsonb column holding the whole element, or null for none
 * @param children arrays inside each element that have tables of their own
 */
public record ChildMapping(
    FieldPath field,
    String table,
    String indexColumn,
    List<ColumnMapping> columns,
    String elementColumn,
    List<ChildMapping> children) {

  public ChildMapping {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(indexColumn, "indexColumn");
    columns = List.copyOf(columns);
    children = children == null ? List.of() : List.copyOf(children);
  }

  /** The default name of the index column: the array's last path segment plus {@code _index}. */
  public static String defaultIndexColumn(FieldPath field) {
    List<String> segments = field.segments();
    return segments.get(segments.size() - 1) + "_index";
  }
}
