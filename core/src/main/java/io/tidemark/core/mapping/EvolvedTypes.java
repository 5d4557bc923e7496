package io.tidemark.core.mapping;

import io.tidemark.core.value.Value;

/**
 * The column type a schema-evolving table gives a new field, from its value. A later value of
 * another type does not fit the column and widens it to jsonb: a column never converts a value into
 * a type it did not come with (a number into text, say).
 */
public final class EvolvedTypes {
  private EvolvedTypes() {}

  /** The type a column created for this value gets; jsonb for documents, arrays and the rest. */
  public static SqlType inferred(Value value) {
    String ddl;
    if (value instanceof Value.Text || value instanceof Value.ObjectId) {
      ddl = "text";
    } else if (value instanceof Value.Int32 || value instanceof Value.Int64) {
      ddl = "bigint";
    } else if (value instanceof Value.Double) {
      ddl = "double precision";
    } else if (value instanceof Value.Decimal) {
      ddl = "numeric";
    } else if (value instanceof Value.Bool) {
      ddl = "boolean";
    } else if (value instanceof Value.DateTime) {
      ddl = "timestamptz";
    } else if (value instanceof Value.Uuid) {
      ddl = "uuid";
    } else if (value instanceof Value.Binary) {
      ddl = "bytea";
    } else {
      ddl = "jsonb";
    }
    return SqlType.parse(ddl).orElseThrow();
  }

  /**
   * True when a value belongs in a column of this type without a change of kind: the column is
   * jsonb, or the value's own inferred type is the column's.
   */
  public static boolean fits(Value value, SqlType column) {
    return column.kind() == SqlType.Kind.JSONB || inferred(value).equals(column);
  }
}
