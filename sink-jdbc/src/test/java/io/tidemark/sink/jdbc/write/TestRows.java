package io.tidemark.sink.jdbc.write;

import io.tidemark.core.event.DocumentKey;
import io.tidemark.core.mapping.ColumnMapping;
import io.tidemark.core.mapping.MappedRow;
import io.tidemark.core.mapping.OnError;
import io.tidemark.core.mapping.SqlType;
import io.tidemark.core.mapping.TableMapping;
import io.tidemark.core.position.ClusterTime;
import io.tidemark.core.position.Position;
import io.tidemark.core.spi.RowChange;
import io.tidemark.core.value.FieldPath;
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
}
