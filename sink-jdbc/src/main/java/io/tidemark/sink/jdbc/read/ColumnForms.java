package io.tidemark.sink.jdbc.read;

import io.tidemark.core.mapping.SqlType;
import io.tidemark.sink.jdbc.dialect.postgres.ArrayLiteral;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One comparable text per column value, reached from both sides: from the text input Tidemark
 * writes ({@link io.tidemark.core.mapping.ColumnValueConverter}'s output, on the MongoDB side) and
 * from what the table holds (read with {@link #select}). The database prints some types in forms
 * that depend on session settings or keep a written scale, so each type gets a form that does not:
 * timestamps in UTC with microseconds, numbers by value, JSON canonical.
 */
final class ColumnForms {
  private static final DateTimeFormatter MICROS =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private ColumnForms() {}

  /** The SQL expression that reads a column as the text {@link #fromTable} expects. */
  static String select(SqlType type, String quotedColumn) {
    return switch (type.kind()) {
      case TIMESTAMPTZ ->
          "to_char(" + quotedColumn + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')";
      case DATE -> "to_char(" + quotedColumn + ", 'YYYY-MM-DD')";
      case BYTEA -> "encode(" + quotedColumn + ", 'hex')";
      default -> quotedColumn + "::text";
    };
  }

  /** The comparable form of a value as Tidemark writes it (null stays null). */
  static String fromInput(SqlType type, String input) {
    if (input == null) {
      return null;
    }
    return switch (type.kind()) {
      case TIMESTAMPTZ -> MICROS.format(Instant.parse(input));
      case BYTEA -> input.startsWith("\\x") ? input.substring(2).toLowerCase(Locale.ROOT) : input;
      default -> common(type, input);
    };
  }

  /** The comparable form of a value read with {@link #select} (null stays null). */
  static String fromTable(SqlType type, String output) {
    if (output == null) {
      return null;
    }
    return switch (type.kind()) {
      case TIMESTAMPTZ, BYTEA -> output;
      default -> common(type, output);
    };
  }

  private static String common(SqlType type, String text) {
    if (type.array()) {
      // PostgreSQL quotes only where needed and prints elements its own way: compare the
      // elements, each in its element type's form.
      List<String> elements = new ArrayList<>();
      for (String element : ArrayLiteral.parse(text)) {
        elements.add(element == null ? null : common(type.element(), element));
      }
      return ArrayLiteral.format(elements);
    }
    return switch (type.kind()) {
      case DOUBLE -> doubleForm(text);
      case NUMERIC -> numericForm(text);
      case BOOLEAN -> text.startsWith("t") ? "true" : text.startsWith("f") ? "false" : text;
      case UUID -> text.toLowerCase(Locale.ROOT);
      case JSONB -> CanonicalJson.of(text);
      default -> text;
    };
  }

  private static String doubleForm(String text) {
    try {
      return Double.toString(Double.parseDouble(text));
    } catch (NumberFormatException e) {
      return text;
    }
  }

  private static String numericForm(String text) {
    try {
      return CanonicalJson.number(new BigDecimal(text));
    } catch (NumberFormatException e) {
      return text; // NaN, Infinity
    }
  }
}
