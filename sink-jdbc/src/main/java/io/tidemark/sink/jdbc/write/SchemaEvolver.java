package io.tidemark.sink.jdbc.write;

import io.tidemark.core.mapping.ColumnValueConverter;
import io.tidemark.core.mapping.EvolvedTypes;
import io.tidemark.core.mapping.MappedRow;
import io.tidemark.core.mapping.MappedRow.UnmappedField;
import io.tidemark.core.mapping.SqlType;
import io.tidemark.core.mapping.ValueEncoding;
import io.tidemark.core.mapping.ValueRejectedException;
import io.tidemark.core.value.Value;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fits the unmapped fields of a batch to a table's evolved columns ({@code schema.evolve:
 * addColumns}): either every value fits a column as it is, and the rows are written with the values
 * spliced in, or the batch needs columns added or widened to jsonb first, which {@link #plan} works
 * out. Holds only the converter that spells values in the dialect's encoding, so it is immutable
 * and thread-safe; the sink runs the DDL and the writes.
 */
final class SchemaEvolver {
  private final ColumnValueConverter converter;

  SchemaEvolver(ValueEncoding encoding) {
    this.converter = new ColumnValueConverter(encoding);
  }

  /**
   * The rows as written: configured values, then the evolved columns' values, then the rest.
   *
   * @return null when some field has no column yet, or a value that does not fit its column
   */
  List<CharSequence[]> rows(TableStatements table, List<MappedRow> rows) {
    List<EvolvedColumn> evolved = table.evolved();
    Map<String, Integer> index = table.evolvedIndex();
    int at = table.evolvedAt();
    List<CharSequence[]> out = new ArrayList<>(rows.size());
    for (MappedRow row : rows) {
      CharSequence[] values = row.values();
      CharSequence[] full = new CharSequence[table.columnCount()];
      System.arraycopy(values, 0, full, 0, at);
      System.arraycopy(values, at, full, at + evolved.size(), values.length - at);
      for (UnmappedField field : row.unmappedFields()) {
        Integer i = index.get(field.name());
        if (i == null) {
          return null;
        }
        String converted = converted(field.value(), evolved.get(i));
        if (converted == null) {
          return null;
        }
        full[at + i] = converted;
      }
      out.add(full);
    }
    return out;
  }

  /** The value as its column's input, or null when it does not belong in the column. */
  private String converted(Value value, EvolvedColumn column) {
    if (!EvolvedTypes.fits(value, column.type())) {
      return null;
    }
    try {
      return converter.convert(value, column.type(), column.field(), column.column());
    } catch (ValueRejectedException e) {
      return null; // out of the type's range, say: jsonb keeps it
    }
  }

  /**
   * What makes every value of the batch fit: the table's evolved columns, widened where a value
   * does not fit, followed by new columns for new fields, each typed from its first value (jsonb
   * when the batch's values already disagree).
   */
  Evolution plan(TableStatements table, List<MappedRow> rows) {
    List<EvolvedColumn> columns = new ArrayList<>(table.evolved());
    Map<String, Integer> index = table.evolvedIndex();
    Set<String> taken = new HashSet<>(table.takenColumns());
    Set<String> added = new HashSet<>();
    Set<String> widened = new HashSet<>();
    List<String> reasons = new ArrayList<>();
    for (MappedRow row : rows) {
      for (UnmappedField field : row.unmappedFields()) {
        Integer i = index.get(field.name());
        if (i == null) {
          SqlType type = EvolvedTypes.inferred(field.value());
          EvolvedColumn column =
              new EvolvedColumn(field.name(), EvolvedTypes.columnName(field.name(), taken), type);
          if (converted(field.value(), column) == null) {
            column = column.widenedToJsonb();
          }
          taken.add(column.column());
          index.put(field.name(), columns.size());
          columns.add(column);
          added.add(field.name());
          reasons.add(
              "added column "
                  + column.column()
                  + " "
                  + column.type().ddl()
                  + " for field "
                  + field.name()
                  + " (first seen in document _id "
                  + row.key().text()
                  + ", of type "
                  + field.value().typeName()
                  + ")");
        } else if (converted(field.value(), columns.get(i)) == null) {
          EvolvedColumn before = columns.get(i);
          columns.set(i, before.widenedToJsonb());
          if (!added.contains(field.name())) {
            widened.add(field.name());
          }
          reasons.add(
              "widened column "
                  + before.column()
                  + " from "
                  + before.type().ddl()
                  + " to jsonb: document _id "
                  + row.key().text()
                  + " has a value of type "
                  + field.value().typeName()
                  + " in field "
                  + field.name());
        }
      }
    }
    return new Evolution(
        columns,
        columns.stream().filter(c -> added.contains(c.field())).toList(),
        columns.stream().filter(c -> widened.contains(c.field())).toList(),
        reasons);
  }

  /**
   * The evolved columns after a batch's changes.
   *
   * @param columns every evolved column, in order, with its new type
   * @param added columns to add
   * @param widened existing columns to widen to jsonb
   * @param reasons one line per change, for the log
   */
  record Evolution(
      List<EvolvedColumn> columns,
      List<EvolvedColumn> added,
      List<EvolvedColumn> widened,
      List<String> reasons) {}
}
