package io.tidemark.sink.jdbc.dialect.postgres;

import io.tidemark.core.mapping.SqlType;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How mapped types meet PostgreSQL column types: the cast applied to a text value before it is
 * stored, and which existing column types can hold a mapped type.
 */
final class PostgresColumnTypes {

  /** {@code format_type} output with a modifier, e.g. {@code numeric(12,2)}. */
  private static final Pattern WITH_MODIFIER =
      Pattern.compile("(numeric|character varying)\\((\\d+)(?:,(\\d+))?\\)");

  private PostgresColumnTypes() {}

  /**
   * The cast from {@code text} to the column's base type, or nothing for text types. The type
   * modifier is left out on purpose: the column's assignment cast then applies it, which rejects a
   * too-long varchar (an explicit {@code ::varchar(n)} would cut it silently) and rounds numeric
   * exactly as COPY does. An array arrives as one array literal and is cast as a whole, so a
   * multi-row write can still pass one {@code text[]} per column (unnest cannot take the arrays of
   * arrays that binding the elements would need).
   */
  static String castFromText(SqlType type) {
    if (type.array()) {
      return "::" + type.kind().sqlName() + "[]";
    }
    switch (type.kind()) {
      case TEXT:
      case VARCHAR:
        return "";
      default:
        return "::" + type.kind().sqlName();
    }
  }

  /**
   * True when a column PostgreSQL reports as {@code found} ({@code format_type} output) holds every
   * value of {@code expected} without loss, and accepts it by assignment from the cast above.
   */
  static boolean isCompatible(SqlType expected, String found) {
    boolean foundArray = found.endsWith("[]");
    if (expected.array() != foundArray) {
      return false;
    }
    if (foundArray) {
      // format_type writes one [] whatever the dimensions; the elements decide.
      return isCompatible(expected.element(), found.substring(0, found.length() - 2));
    }
    String base = found;
    int length = -1;
    int scale = 0;
    Matcher m = WITH_MODIFIER.matcher(found);
    if (m.matches()) {
      base = m.group(1);
      length = Integer.parseInt(m.group(2));
      scale = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
    }
    switch (expected.kind()) {
      case TEXT:
        return base.equals("text") || (base.equals("character varying") && length < 0);
      case VARCHAR:
        return base.equals("text")
            || (base.equals("character varying") && (length < 0 || length >= expected.length()));
      case INTEGER:
        return base.equals("integer") || base.equals("bigint") || found.equals("numeric");
      case BIGINT:
        return base.equals("bigint") || found.equals("numeric");
      case NUMERIC:
        if (!base.equals("numeric")) {
          return false;
        }
        if (length < 0) {
          return true; // unconstrained numeric holds any numeric
        }
        if (expected.length() == 0) {
          return false; // unconstrained expected, constrained column
        }
        return scale >= expected.scale() && length - scale >= expected.length() - expected.scale();
      default:
        return found.equals(expected.kind().sqlName()) || found.equals(longName(expected.kind()));
    }
  }

  private static String longName(SqlType.Kind kind) {
    switch (kind) {
      case TIMESTAMPTZ:
        return "timestamp with time zone";
      case BOOLEAN:
        return "boolean";
      default:
        return kind.sqlName();
    }
  }
}
