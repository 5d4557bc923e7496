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
 * @param kind the type family
 * @param length varchar length, or numeric precision; 0 when not given
 * @param scale numeric scale; 0 when not given
 */
public record SqlType(Kind kind, int length, int scale) {

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

  private static final Pattern WITH_ARGS =
      Pattern.compile(
          "(varchar|character varying|numeric|decimal)\\s*\\(\\s*(\\d+)\\s*(?:,\\s*(\\d+)\\s*)?\\)");

  /** The names users may write, for error messages and the configuration reference. */
  public static final String ACCEPTED =
      "text, varchar(n), integer, bigint, double precision, numeric, numeric(p,s), boolean,"
          + " timestamptz, date, uuid, bytea, jsonb";

  /** Parses a type as written in the configuration; empty when it is not one Tidemark supports. */
  public static Optional<SqlType> parse(String written) {
    String t = written.trim().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
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
      case "integer", "int", "int4" -> Optional.of(new SqlType(Kind.INTEGER, 0, 0));
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

  /** The type as it appears in DDL, e.g. {@code numeric(12,2)}. */
  public String ddl() {
    return switch (kind) {
      case VARCHAR -> "varchar(" + length + ")";
      case NUMERIC -> length == 0 ? "numeric" : "numeric(" + length + "," + scale + ")";
      default -> kind.sqlName();
    };
  }

  @Override
  public String toString() {
    return ddl();
  }
}
