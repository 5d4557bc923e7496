package io.tidemark.sink.jdbc.dialect.postgres;

import io.tidemark.core.mapping.ValueEncoding;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;

/**
 * PostgreSQL's text input forms, as both {@code COPY ... (FORMAT text)} and a cast from {@code
 * text} read them: arrays as an {@link ArrayLiteral}, bytea in hex form ({@code \x001fab}),
 * Booleans as {@code true}/{@code false}, timestamptz as ISO 8601 in UTC ({@code
 * 1969-12-31T23:59:59.999Z}), dates as ISO 8601 ({@code 2024-03-01}), and the non-finite numbers as
 * {@code float8} and {@code numeric} write them ({@code NaN}, {@code Infinity}, {@code -Infinity}).
 * PostgreSQL reads each of these the same whatever the session's {@code DateStyle}. Stateless and
 * thread-safe.
 */
public final class PostgresValueEncoding implements ValueEncoding {

  /** The one instance: the encoding has no state. */
  public static final PostgresValueEncoding INSTANCE = new PostgresValueEncoding();

  private static final HexFormat HEX = HexFormat.of();

  private PostgresValueEncoding() {}

  @Override
  public String array(List<String> elements) {
    return ArrayLiteral.format(elements);
  }

  @Override
  public String binary(byte[] bytes) {
    return "\\x" + HEX.formatHex(bytes);
  }

  @Override
  public String bool(boolean value) {
    return Boolean.toString(value);
  }

  @Override
  public String timestamp(Instant instant) {
    return instant.toString();
  }

  @Override
  public String date(LocalDate day) {
    return day.toString();
  }

  @Override
  public String nonFinite(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    return value > 0 ? "Infinity" : "-Infinity";
  }
}
