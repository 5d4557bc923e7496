package io.tidemark.core.mapping;

import io.tidemark.core.error.Suggestions;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A column type a mapping may name. Only these types are accepted, so that every conversion from a
 * source value can be checked for loss before it reaches the database.
 *
 * <p>An array type ({@code bigint[]}) is the type of its elements with {@code array} set: a column
 * holding a one-dimensional array of such values, each converted by the element type's rules.
 *
 * @param kind the type family (of the elements, for an array type)
 * @param length varchar length, or numeric precision; 0 when not given
 * @param scale numeric scale; 0 when not given
 * @param array true for a one-dimensional array of {@code kind}
 */
public record SqlType(Kind kind, int length, int scale, boolean array) {

  public enum Kind {
    TEXT("text"),
    VARCHAR("varchar"),
    INTEGER("integer"),
    BIGINT("bigint"),
    DOUBLE("double precision"),
    NUMERIC("numeric"),
    BOOLEAN("boolean"),
    TIMESTAMPTZ("timestamptz"),
    DATE("date"),
    UUID("uuid"),
    BYTEA("bytea"),
    JSONB("jsonb");

    private final String sqlName;

    Kind(String sqlName) {
      this.sqlName = sqlName;
    }

    public String sqlName() {
      return sqlName;
    }
  }

  public static final SqlType TEXT = new SqlType(Kind.TEXT, 0, 0);
  public static final SqlType JSONB = new SqlType(Kind.JSONB, 0, 0);
  public static final SqlType INTEGER = new SqlType(Kind.INTEGER, 0, 0);

  /** A scalar (non-array) type. */
  public SqlType(Kind kind, int length, int scale) {
    this(kind, length, scale, false);
  }

  private static final Pattern WITH_ARGS =
      Pattern.compile(
          "(varchar|character varying|numeric|decimal)\\s*\\(\\s*(\\d+)\\s*(?:,\\s*(\\d+)\\s*)?\\)");

  /** The names users may write, for error messages and the configuration reference. */
  public static final String ACCEPTED =
      "text, varchar(n), integer, bigint, double precision, numeric, numeric(p,s), boolean,"
          + " timestamptz, date, uuid, bytea, jsonb, text[], integer[], bigint[],"
          + " double precision[], numeric[], numeric(p,s)[], boolean[]";

  /**
   * Parses a type as written in the configuration; empty when it is not one Tidemark supports. An
   * array type is one of the element types in {@link #isArrayElement} followed by {@code []}.
   */
  public static Optional<SqlType> parse(String written) {
    String t = written.trim().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
    if (t.endsWith("[]")) {
      return parseScalar(t.substring(0, t.length() - 2).trim())
          .filter(SqlType::isArrayElement)
          .map(SqlType::arrayOf);
    }
    return parseScalar(t);
  }

  private static Optional<SqlType> parseScalar(String t) {
    Matcher m = WITH_ARGS.matcher(t);
    if (m.matches()) {
      int first = Integer.parseInt(m.group(2));
      if (m.group(1).startsWith("varchar") || m.group(1).startsWith("character")) {
        return m.group(3) == null && first > 0
            ? Optional.of(new SqlType(Kind.VARCHAR, first, 0))
            : Optional.empty();
      }
      int scale = m.group(3) == null ? 0 : Integer.parseInt(m.group(3));
      return first >= 1 && first <= 1000 && scale <= first
          ? Optional.of(new SqlType(Kind.NUMERIC, first, scale))
          : Optional.empty();
    }
    return switch (t) {
      case "text" -> Optional.of(TEXT);
      case "integer", "int", "int4" -> Optional.of(INTEGER);
      case "bigint", "int8" -> Optional.of(new SqlType(Kind.BIGINT, 0, 0));
      case "double precision", "float8", "double" -> Optional.of(new SqlType(Kind.DOUBLE, 0, 0));
      case "numeric", "decimal" -> Optional.of(new SqlType(Kind.NUMERIC, 0, 0));
      case "boolean", "bool" -> Optional.of(new SqlType(Kind.BOOLEAN, 0, 0));
      case "timestamptz", "timestamp with time zone" ->
          Optional.of(new SqlType(Kind.TIMESTAMPTZ, 0, 0));
      case "date" -> Optional.of(new SqlType(Kind.DATE, 0, 0));
      case "uuid" -> Optional.of(new SqlType(Kind.UUID, 0, 0));
      case "bytea" -> Optional.of(new SqlType(Kind.BYTEA, 0, 0));
      case "jsonb" -> Optional.of(JSONB);
      default -> Optional.empty();
    };
  }

  /** The accepted type name closest to a mistyped one, or null when none is close. */
  public static String closest(String written) {
    return Suggestions.closest(written.trim(), java.util.Arrays.asList(ACCEPTED.split(",\\s*")));
  }

  /**
   * True for the types an array column may hold: those whose values are single numbers, strings or
   * Booleans. Other element types would need checks of their own (varchar length per element,
   * nested JSON) for little gain over {@code jsonb}.
   */
  public boolean isArrayElement() {
    return !array
        && switch (kind) {
          case TEXT, INTEGER, BIGINT, DOUBLE, NUMERIC, BOOLEAN -> true;
          default -> false;
        };
  }

  /** The one-dimensional array of this type. */
  public SqlType arrayOf() {
    return new SqlType(kind, length, scale, true);
  }

  /** The type of one element of an array type; this type itself for a scalar type. */
  public SqlType element() {
    return new SqlType(kind, length, scale, false);
  }

  /** The type as it appears in DDL, e.g. {@code numeric(12,2)} or {@code bigint[]}. */
  public String ddl() {
    String scalar =
        switch (kind) {
          case VARCHAR -> "varchar(" + length + ")";
          case NUMERIC -> length == 0 ? "numeric" : "numeric(" + length + "," + scale + ")";
          default -> kind.sqlName();
        };
    return array ? scalar + "[]" : scalar;
  }

  @Override
  public String toString() {
    return ddl();
  }
}
