package io.tidemark.core.mapping;

import io.tidemark.core.event.SourceDocument;
import java.util.List;

/**
 * Turns source documents into rows of one table, following its {@link TableMapping}. Stateless and
 * thread-safe.
 */
public final class RowMapper {
  private final TableMapping mapping;
  private final List<ColumnMapping> columns;
  private final int width;

  public RowMapper(TableMapping mapping) {
    this.mapping = mapping;
    this.columns = mapping.columns();
    this.width = mapping.tableColumns().size();
  }

  public TableMapping mapping() {
    return mapping;
  }

  /**
   * @throws ValueRejectedException when a field's value does not fit its column
   */
  public MappedRow map(SourceDocument document) throws ValueRejectedException {
    String[] values = new String[width];
    values[0] = document.key().text();
    for (int i = 0; i < columns.size(); i++) {
      ColumnMapping c = columns.get(i);
      values[i + 1] =
          ColumnValueConverter.convert(
              document.valueAt(c.field()), c.type(), c.field().toString(), c.column());
    }
    if (mapping.documentColumn() != null) {
      String json = document.toJson();
      if (ColumnValueConverter.jsonHoldsNul(json)) {
        throw new ValueRejectedException(
            "(document)",
            mapping.documentColumn(),
            "a value contains the NUL character (\\u0000), which PostgreSQL's jsonb cannot store;"
                + " set onError: deadletter to keep the document in the dead-letter table");
      }
      values[width - 1] = json;
    }
    return new MappedRow(document.key(), values);
  }
}
