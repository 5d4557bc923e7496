package io.tidemark.core.mapping;

import io.tidemark.core.event.DocumentKey;
import java.util.List;

/**
 * A document converted to its table row: one text input value per {@link
 * TableMapping#tableColumns()} entry (null = SQL NULL), and the rows of its child tables.
 *
 * <p>A value is a {@code String}, or for the document column the source's {@link
 * io.tidemark.core.value.Utf8Text} (its JSON as UTF-8 bytes, see {@link
 * io.tidemark.core.event.SourceDocument#toJsonCell()}); a sink that needs a {@code String} calls
 * {@code toString()}, one that writes bytes passes the bytes on.
 *
 * @param unmappedFields for a table that evolves, the document's top-level fields no configured
 *     column maps; empty otherwise
 * @param childRows one list per {@link TableMapping#childTables()} entry, in that order, each row
 *     one value per {@link ChildTable#tableColumns()} entry; empty when the mapping has no child
 *     tables
 */
public record MappedRow(
    DocumentKey key,
    CharSequence[] values,
    List<List<String[]>> childRows,
    List<UnmappedField> unmappedFields) {

  public MappedRow {
    childRows = List.copyOf(childRows);
    unmappedFields = List.copyOf(unmappedFields);
  }

  /** A row of a mapping without child tables. */
  public MappedRow(DocumentKey key, CharSequence[] values) {
    this(key, values, List.of(), List.of());
  }

  /** A row of a mapping whose table does not evolve. */
  public MappedRow(DocumentKey key, CharSequence[] values, List<List<String[]>> childRows) {
    this(key, values, childRows, List.of());
  }

  /**
   * A top-level field no configured column maps, with a value that is not null, for a table that
   * evolves ({@link SchemaEvolution#ADDCOLUMNS}): the sink writes it into the field's own column,
   * adding or widening the column when needed. The value is known to be storable as jsonb.
   */
  public record UnmappedField(String name, io.tidemark.core.value.Value value) {}
}
