package io.tidemark.sink.jdbc.write;

import io.tidemark.core.mapping.SqlType;

/**
 * A column that a table with {@code schema.evolve: addColumns} gained for a top-level field.
 *
 * @param field the document's top-level field name
 * @param column the column's name: the field's, made unique and short enough when needed
 * @param type the column's type: inferred from the first value, jsonb once values disagreed
 */
record EvolvedColumn(String field, String column, SqlType type) {

  EvolvedColumn widenedToJsonb() {
    return new EvolvedColumn(field, column, SqlType.JSONB);
  }
}
