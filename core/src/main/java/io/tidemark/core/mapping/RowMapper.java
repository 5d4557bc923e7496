package io.tidemark.core.mapping;

import io.tidemark.core.event.SourceDocument;
import io.tidemark.core.value.FieldPath;
import io.tidemark.core.value.Utf8Text;
import io.tidemark.core.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Turns source documents into rows of one table, following its {@link TableMapping}, with values
 * spelled by the target database's {@link ValueEncoding}. Stateless and thread-safe.
 */
public final class RowMapper {
  private final TableMapping mapping;
  private final ColumnValueConverter converter;
  private final List<ColumnMapping> columns;
  private final List<FieldPath> mappedFields;
  private final int width;
  private final boolean[] inPrimaryKey;
  private final List<ChildRowMapper> children;
  private final Set<String> mappedTopLevelFields;

  /**
   * @param encoding the sink's ({@link io.tidemark.core.spi.ChangeSink#valueEncoding()})
   */
  public RowMapper(TableMapping mapping, ValueEncoding encoding) {
    this.mapping = mapping;
    this.converter = new ColumnValueConverter(encoding);
    this.columns = mapping.columns();
    // An array with a table of its own is mapped: it does not go into the extra column too.
    List<FieldPath> mapped = new ArrayList<>(columns.stream().map(ColumnMapping::field).toList());
    mapping.children().forEach(child -> mapped.add(child.field()));
    this.mappedFields = List.copyOf(mapped);
    this.children =
        mapping.childTables().stream().map(t -> new ChildRowMapper(t, converter)).toList();
    this.mappedTopLevelFields =
        mapping.evolvesColumns() ? mapping.mappedTopLevelFields() : Set.of();
    this.width = mapping.tableColumns().size();
    this.inPrimaryKey = new boolean[columns.size()];
    for (int i = 0; i < columns.size(); i++) {
      inPrimaryKey[i] = mapping.primaryKey().contains(columns.get(i).column());
    }
  }

  public TableMapping mapping() {
    return mapping;
  }

  /**
   * @throws ValueRejectedException when a field's value does not fit its column
   */
  public MappedRow map(SourceDocument document) throws ValueRejectedException {
    CharSequence[] values = new CharSequence[width];
    values[0] = document.key().text();
    for (int i = 0; i < columns.size(); i++) {
      values[i + 1] = column(document, i);
      if (values[i + 1] == null && inPrimaryKey[i]) {
        ColumnMapping c = columns.get(i);
        throw new ValueRejectedException(
            c.field().toString(),
            c.column(),
            "the field is missing or null, but column "
                + c.column()
                + " is part of the primary key of table "
                + mapping.table()
                + "; give every document this field, or set onError: deadletter");
      }
    }
    int next = columns.size() + 1;
    if (mapping.extraColumn() != null) {
      values[next++] = storableJson(document.toJsonWithout(mappedFields), mapping.extraColumn());
    }
    if (mapping.documentColumn() != null) {
      values[next] = storableJson(document.toJsonCell(), mapping.documentColumn());
    }
    if (children.isEmpty() && !mapping.evolvesColumns()) {
      return new MappedRow(document.key(), values);
    }
    List<List<String[]>> childRows = new ArrayList<>(children.size());
    for (ChildRowMapper child : children) {
      childRows.add(child.rows(document));
    }
    return new MappedRow(document.key(), values, childRows, unmappedFields(document));
  }

  /**
   * The top-level fields no configured column or child table reads, with their values, for a table
   * that evolves. Each value is checked to be storable as jsonb, the type every evolved column can
   * widen to, so that the sink never meets a value it cannot write.
   */
  private List<MappedRow.UnmappedField> unmappedFields(SourceDocument document)
      throws ValueRejectedException {
    if (!mapping.evolvesColumns()) {
      return List.of();
    }
    List<MappedRow.UnmappedField> fields = new ArrayList<>();
    for (String name : document.fieldNames()) {
      if (name.isEmpty() || mappedTopLevelFields.contains(name)) {
        continue; // an empty name cannot be a column: the document column keeps it
      }
      Value value = document.valueAt(new FieldPath(List.of(name)));
      if (value instanceof Value.Null || value instanceof Value.Missing) {
        continue;
      }
      converter.convert(value, SqlType.JSONB, name, name + " (evolved column)");
      fields.add(new MappedRow.UnmappedField(name, value));
    }
    return fields;
  }

  /**
   * One configured column's value for a document, converted as {@link #map} converts it.
   *
   * @param index the column's position in {@link TableMapping#columns()}
   * @return the column's text input, or null for SQL NULL (the field is missing or null)
   * @throws ValueRejectedException when the field's value does not fit the column
   */
  public String column(SourceDocument document, int index) throws ValueRejectedException {
    ColumnMapping c = columns.get(index);
    return converter.convert(
        document.valueAt(c.field()), c.type(), c.field().toString(), c.column());
  }

  private static <T extends CharSequence> T storableJson(T json, String column)
      throws ValueRejectedException {
    boolean nul =
        json instanceof Utf8Text utf8
            ? ColumnValueConverter.jsonHoldsNul(utf8)
            : ColumnValueConverter.jsonHoldsNul(json.toString());
    if (nul) {
      throw new ValueRejectedException(
          "(document)",
          column,
          "a value contains the NUL character (\\u0000), which PostgreSQL's jsonb cannot store;"
              + " set onError: deadletter to keep the document in the dead-letter table");
    }
    return json;
  }
}
