package io.tidemark.sink.jdbc.write;

import io.tidemark.core.event.DocumentKey;
import io.tidemark.core.mapping.ChildMapping;
import io.tidemark.core.mapping.ColumnMapping;
import io.tidemark.core.mapping.MappedRow;
import io.tidemark.core.mapping.MappedRow.UnmappedField;
import io.tidemark.core.mapping.OnError;
import io.tidemark.core.mapping.OnHistoryLost;
import io.tidemark.core.mapping.SchemaEvolution;
import io.tidemark.core.mapping.SqlType;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.position.Position;
import io.tidemark.core.spi.RowChange;
import io.tidemark.core.value.FieldPath;
import io.tidemark.core.value.Value;
import java.util.ArrayList;
import java.util.List;

/** Builders for the values the sink receives. */
final class TestRows {

  private TestRows() {}

  /** An upsert whose first value is the key, followed by the other columns' values. */
  static RowChange upsert(String key, String... otherColumns) {
    String[] values = new String[otherColumns.length + 1];
    values[0] = key;
    System.arraycopy(otherColumns, 0, values, 1, otherColumns.length);
    return new RowChange.Upsert(new MappedRow(new DocumentKey(key), values));
  }

  static RowChange delete(String key) {
    return new RowChange.Delete(new DocumentKey(key));
  }

  static RowChange deadLetter(String key, String document, String reason) {
    return new RowChange.DeadLetter(new DocumentKey(key), document, reason);
  }

  static Position position(String token, long seconds, long increment) {
    return new Position(token, new ClusterTime(seconds, increment));
  }

  static ColumnMapping column(String name, String type) {
    return new ColumnMapping(
        FieldPath.parse(name),
        name,
        SqlType.parse(type).orElseThrow(() -> new AssertionError(type)));
  }

  /** A mapping with key {@code _id}, the given columns, and no document column. */
  static TableMapping mapping(String collection, String table, ColumnMapping... columns) {
    return new TableMapping(collection, table, "_id", List.of(columns), null, OnError.FAIL);
  }

  /** {@code n} upserts for the columns {@code (_id, name, total)}, keys {@code prefix0..}. */
  static List<RowChange> manyUpserts(String prefix, int n) {
    List<RowChange> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      rows.add(upsert(prefix + i, "name of " + prefix + i, i + ".25"));
    }
    return rows;
  }

  /** orders(_id, status) -> order_items(_id, items_index, qty) -> options(_id, i, o, name). */
  static final TableMapping ORDERS_WITH_ITEMS =
      new TableMapping(
          "orders",
          "orders",
          "_id",
          List.of(column("status", "text")),
          null,
          null,
          OnError.FAIL,
          OnHistoryLost.FAIL,
          List.of(),
          List.of(
              new ChildMapping(
                  FieldPath.parse("items"),
                  "order_items",
                  "items_index",
                  List.of(column("qty", "integer")),
                  null,
                  List.of(
                      new ChildMapping(
                          FieldPath.parse("options"),
                          "item_options",
                          "options_index",
                          List.of(column("name", "text")),
                          null,
                          List.of())))));

  /**
   * An order of {@link #ORDERS_WITH_ITEMS} whose items have the given quantities; item i has i
   * options named "o{i}.{j}".
   */
  static RowChange order(String key, String status, int... quantities) {
    List<String[]> items = new ArrayList<>();
    List<String[]> options = new ArrayList<>();
    for (int i = 0; i < quantities.length; i++) {
      items.add(new String[] {key, Integer.toString(i), Integer.toString(quantities[i])});
      for (int j = 0; j < i; j++) {
        options.add(
            new String[] {key, Integer.toString(i), Integer.toString(j), "o" + i + "." + j});
      }
    }
    return new RowChange.Upsert(
        new MappedRow(new DocumentKey(key), new String[] {key, status}, List.of(items, options)));
  }

  /** events(_id, kind, doc) with {@code schema.evolve: addColumns}. */
  static final TableMapping EVOLVING_EVENTS =
      new TableMapping(
          "events",
          "events",
          "_id",
          List.of(column("kind", "text")),
          "doc",
          null,
          OnError.FAIL,
          OnHistoryLost.FAIL,
          List.of(),
          List.of(),
          SchemaEvolution.ADDCOLUMNS);

  /** A row of {@link #EVOLVING_EVENTS} with key, kind, doc and the given unmapped fields. */
  static RowChange event(String key, Object... namesAndValues) {
    List<UnmappedField> fields = new ArrayList<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      fields.add(new UnmappedField((String) namesAndValues[i], (Value) namesAndValues[i + 1]));
    }
    return new RowChange.Upsert(
        new MappedRow(
            new DocumentKey(key), new String[] {key, "k", "{}"}, List.of(), List.copyOf(fields)));
  }
}
