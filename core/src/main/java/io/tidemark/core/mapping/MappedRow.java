package io.tidemark.core.mapping;

import io.tidemark.core.event.DocumentKey;
import java.util.List;

/**
 * A document converted to its table row: one text input value per {@link
 * TableMapping#tableColumns()} entry (null = SQL NULL), and the rows of its child tables.
 *
 * @param childRows one list per {@link TableMapping#childTables()} entry, in that order, each row
 *     one value per {@link ChildTable#tableColumns()} entry; empty when the mapping has no child
 *     tables
 */
public record MappedRow(DocumentKey key, String[] values, List<List<String[]>> childRows) {

  public MappedRow {
    childRows = List.copyOf(childRows);
  }

  /** A row of a mapping without child tables. */
  public MappedRow(DocumentKey key, String[] values) {
    this(key, values, List.of());
  }
}
