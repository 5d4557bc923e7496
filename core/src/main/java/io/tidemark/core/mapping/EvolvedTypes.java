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

  /** PostgreSQL keeps the first 63 bytes of an identifier. */
  public static final int MAX_IDENTIFIER_BYTES = 63;

  /**
   * The column name a new field gets: the field's own name when it is free and short enough,
   * otherwise cut to PostgreSQL's identifier length and numbered ({@code name_2}, {@code name_3},
   * ...).
   *
   * @param taken the names the table has or the mapping uses
   */
  public static String columnName(String field, java.util.Set<String> taken) {
    String base = truncate(field, MAX_IDENTIFIER_BYTES);
    if (!taken.contains(base)) {
      return base;
    }
    for (int n = 2; ; n++) {
      String suffix = "_" + n;
      String candidate = truncate(field, MAX_IDENTIFIER_BYTES - suffix.length()) + suffix;
      if (!taken.contains(candidate)) {
        return candidate;
      }
    }
  }

  /** The longest prefix of whole characters that fits in {@code maxBytes} of UTF-8. */
  private static String truncate(String name, int maxBytes) {
    java.nio.charset.Charset utf8 = java.nio.charset.StandardCharsets.UTF_8;
    if (name.getBytes(utf8).length <= maxBytes) {
      return name;
    }
    int end = 0;
    int bytes = 0;
    while (end < name.length()) {
      int cp = name.codePointAt(end);
      int size = new String(Character.toChars(cp)).getBytes(utf8).length;
      if (bytes + size > maxBytes) {
        break;
      }
      bytes += size;
      end += Character.charCount(cp);
    }
    return name.substring(0, end);
  }
}
