package io.tidemark.core.mapping;

import io.tidemark.core.value.JsonText;
import io.tidemark.core.value.Utf8Text;
import io.tidemark.core.value.Value;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Converts a source value into the text form a SQL column type accepts as input, refusing every
 * conversion that would lose information (rounding, truncation, overflow, type change).
 *
 * <p>The checks are the same for every target database; the result is the target's text input form,
 * so the same string feeds a {@code COPY} and a parameter array ({@code null} means SQL NULL).
 * Numbers, text, UUIDs and JSON are written in their standard text form; the spellings that are the
 * target database's own (arrays, binary, Booleans, dates and times, NaN and infinities) come from
 * its {@link ValueEncoding}. Immutable and thread-safe.
 */
public final class ColumnValueConverter {
  private static final BigInteger INT_MIN = BigInteger.valueOf(Integer.MIN_VALUE);
  private static final BigInteger INT_MAX = BigInteger.valueOf(Integer.MAX_VALUE);
  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  /** Largest magnitude below which every integer is exact in a double. */
  private static final long EXACT_DOUBLE_LIMIT = 1L << 53;

  /** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z: the range written as ISO timestamps. */
  private static final long MIN_ISO_MILLIS = -62135596800000L;

  private static final long MAX_ISO_MILLIS = 253402300799999L;

  private final ValueEncoding encoding;

  /**
   * @param encoding how the target database spells what it spells its own way
   */
  public ColumnValueConverter(ValueEncoding encoding) {
    this.encoding = encoding;
  }

  /**
   * @return the column's text input, or null for SQL NULL
   * @throws ValueRejectedException when the value cannot be stored without loss
   */
  public String convert(Value value, SqlType type, String field, String column)
      throws ValueRejectedException {
    if (value instanceof Value.Missing || value instanceof Value.Null) {
      return null;
    }
    return type.array()
        ? toArray(value, type, field, column)
        : convertScalar(value, type, field, column);
  }

  /**
   * An array column: every element converted by the element type's rules, each one named by its
   * index ({@code items[3]}) when refused. A nested document or array is refused: the column holds
   * one dimension of single values, and PostgreSQL's multi-dimensional arrays cannot hold ragged
   * nesting anyway.
   */
  private String toArray(Value value, SqlType type, String field, String column)
      throws ValueRejectedException {
    if (!(value instanceof Value.Array array)) {
      throw new Conversion(value, type, field, column, encoding)
          .reject("it is not an array; map the field as " + type.element().ddl() + " or jsonb");
    }
    List<String> texts = new ArrayList<>(array.elements().size());
    for (Value element : array.elements()) {
      String at = field + "[" + texts.size() + "]";
      if (element instanceof Value.Array || element instanceof Value.Json) {
        throw new Conversion(element, type, at, column, encoding)
            .reject(
                "an array column holds single numbers, strings or Booleans, not a nested "
                    + element.typeName()
                    + "; map the field as jsonb");
      }
      texts.add(element instanceof Value.Null ? null : convertScalar(element, type, at, column));
    }
    return encoding.array(texts);
  }

  /** A single value; for an array type, one element (the type's kind is the element's). */
  private String convertScalar(Value value, SqlType type, String field, String column)
      throws ValueRejectedException {
    Conversion c = new Conversion(value, type, field, column, encoding);
    String converted =
        switch (type.kind()) {
          case TEXT -> c.toText();
          case VARCHAR -> c.toVarchar();
          case INTEGER -> c.toInteger(INT_MIN, INT_MAX);
          case BIGINT -> c.toInteger(LONG_MIN, LONG_MAX);
          case DOUBLE -> c.toDouble();
          case NUMERIC -> c.toNumeric();
          case BOOLEAN -> c.toBoolean();
          case TIMESTAMPTZ -> c.toTimestamp();
          case DATE -> c.toDate();
          case UUID -> c.toUuid();
          case BYTEA -> c.toBytea();
          case JSONB -> JsonText.of(value);
        };
    c.checkStorable(converted);
    return converted;
  }

  /**
   * PostgreSQL's text types cannot hold the NUL character, and its jsonb rejects the escape {@code
   * \u0000}: such a value would fail the whole batch, so it is refused here, per value.
   */
  static boolean holdsNul(String converted) {
    return converted != null && converted.indexOf('\0') >= 0;
  }

  /**
   * True when JSON text held as UTF-8 bytes has the escape {@code \u0000} (not an escaped backslash
   * before it). The escape is ASCII, so the bytes are searched as they are, never decoded.
   */
  static boolean jsonHoldsNul(Utf8Text json) {
    int n = json.byteLength();
    for (int i = json.indexOf('\\', 0); i >= 0; i = json.indexOf('\\', i)) {
      int start = i;
      while (i < n && json.byteAt(i) == '\\') {
        i++;
      }
      // In a run of backslashes, pairs are escaped backslashes; an odd one escapes what follows.
      if (((i - start) & 1) == 1 && i + 5 <= n && json.byteAt(i) == 'u') {
        boolean zeros = true;
        for (int j = i + 1; j < i + 5; j++) {
          zeros &= json.byteAt(j) == '0';
        }
        if (zeros) {
          return true;
        }
      }
    }
    return false;
  }

  /** True when JSON text has the escape {@code \u0000} (not an escaped backslash before it). */
  static boolean jsonHoldsNul(String json) {
    for (int i = json.indexOf("\\u0000"); i >= 0; i = json.indexOf("\\u0000", i + 1)) {
      int backslashes = 0;
      for (int j = i; j >= 0 && json.charAt(j) == '\\'; j--) {
        backslashes++;
      }
      if ((backslashes & 1) == 1) {
        return true;
      }
    }
    return false;
  }

  /** One conversion in progress; holds what error messages need, and the encoding that spells. */
  private record Conversion(
      Value value, SqlType type, String field, String column, ValueEncoding encoding) {

    void checkStorable(String converted) throws ValueRejectedException {
      boolean nul =
          type.kind() == SqlType.Kind.JSONB
              ? converted != null && jsonHoldsNul(converted)
              : holdsNul(converted);
      if (nul) {
        throw reject(
            "it contains the NUL character (\\u0000), which PostgreSQL cannot store in text or"
                + " jsonb; map the field as bytea, or set onError: deadletter");
      }
    }

    private ValueRejectedException reject(String why) {
      return new ValueRejectedException(
          field,
          column,
          value.typeName()
              + " "
              + shortForm()
              + " cannot be stored in column "
              + column
              + " "
              + type.ddl()
              + ": "
              + why);
    }

    private String shortForm() {
      String json = JsonText.of(value);
      return "'" + (json.length() > 60 ? json.substring(0, 57) + "..." : json) + "'";
    }

    String toText() throws ValueRejectedException {
      if (value instanceof Value.Text t) {
        return t.value();
      } else if (value instanceof Value.ObjectId o) {
        return o.hex();
      } else if (value instanceof Value.Int32 || value instanceof Value.Int64) {
        return JsonText.of(value);
      } else if (value instanceof Value.Uuid u) {
        return u.value().toString();
      } else if (value instanceof Value.Bool b) {
        return Boolean.toString(b.value());
      } else if (value instanceof Value.Decimal d && d.value() != null) {
        return d.value().toString();
      } else if (value instanceof Value.Double d) {
        return Double.toString(d.value());
      } else if (value instanceof Value.DateTime dt) {
        return Instant.ofEpochMilli(dt.epochMillis()).toString();
      }
      return JsonText.of(value);
    }

    String toVarchar() throws ValueRejectedException {
      String text = toText();
      if (text.codePointCount(0, text.length()) > type.length()) {
        throw reject(
            "it has "
                + text.codePointCount(0, text.length())
                + " characters, more than "
                + type.length()
                + "; widen the column or map it as text");
      }
      return text;
    }

    String toInteger(BigInteger min, BigInteger max) throws ValueRejectedException {
      BigInteger integral = integralValue();
      if (integral.compareTo(min) < 0 || integral.compareTo(max) > 0) {
        throw reject("out of range; use bigint or numeric");
      }
      return integral.toString();
    }

    private BigInteger integralValue() throws ValueRejectedException {
      BigDecimal exact = exactDecimal();
      try {
        return exact.toBigIntegerExact();
      } catch (ArithmeticException e) {
        throw reject(
            "it has a fractional part that would be lost; use numeric or double precision");
      }
    }

    /** The value as an exact decimal, for every numeric source type with a finite value. */
    private BigDecimal exactDecimal() throws ValueRejectedException {
      if (value instanceof Value.Int32 i) {
        return BigDecimal.valueOf(i.value());
      } else if (value instanceof Value.Int64 l) {
        return BigDecimal.valueOf(l.value());
      } else if (value instanceof Value.Double d) {
        if (Double.isNaN(d.value()) || Double.isInfinite(d.value())) {
          throw reject("it is not a finite number; use double precision or jsonb");
        }
        // The shortest decimal that reads back as the same double: what the user wrote.
        return new BigDecimal(Double.toString(d.value()));
      } else if (value instanceof Value.Decimal d) {
        if (d.value() == null) {
          throw reject("it is not a finite number; use unconstrained numeric or jsonb");
        }
        return d.value();
      }
      throw reject("it is not a number; map the field as text or jsonb");
    }

    String toDouble() throws ValueRejectedException {
      if (value instanceof Value.Double d) {
        return doubleInput(d.value());
      } else if (value instanceof Value.Int32 i) {
        return Integer.toString(i.value());
      } else if (value instanceof Value.Int64 l) {
        if (Math.abs(l.value()) > EXACT_DOUBLE_LIMIT) {
          throw reject("a double holds integers exactly only up to 2^53; use bigint or numeric");
        }
        return Long.toString(l.value());
      } else if (value instanceof Value.Decimal d && d.value() != null) {
        double asDouble = d.value().doubleValue();
        if (Double.isInfinite(asDouble) || new BigDecimal(asDouble).compareTo(d.value()) != 0) {
          throw reject("a double cannot hold it exactly; use numeric");
        }
        return doubleInput(asDouble);
      } else if (value instanceof Value.Decimal d) {
        return nonFinite(d);
      }
      throw reject("it is not a number; map the field as text or jsonb");
    }

    private String doubleInput(double d) {
      return Double.isFinite(d) ? Double.toString(d) : encoding.nonFinite(d);
    }

    /** A Decimal128 without a value: its {@code special} is NaN, Infinity or -Infinity. */
    private String nonFinite(Value.Decimal d) {
      return encoding.nonFinite(Double.parseDouble(d.special()));
    }

    String toNumeric() throws ValueRejectedException {
      boolean unconstrained = type.length() == 0;
      if (unconstrained && value instanceof Value.Decimal d && d.value() == null) {
        return nonFinite(d);
      }
      if (unconstrained && value instanceof Value.Double d && Double.isNaN(d.value())) {
        return encoding.nonFinite(d.value());
      }
      BigDecimal exact = exactDecimal();
      if (unconstrained) {
        return exact.toPlainString();
      }
      BigDecimal stripped = exact.stripTrailingZeros();
      if (stripped.scale() > type.scale()) {
        throw reject(
            "it has "
                + stripped.scale()
                + " decimal places and the column keeps "
                + type.scale()
                + ", so it would be rounded; widen the scale or use numeric");
      }
      int integerDigits =
          stripped.signum() == 0 ? 0 : Math.max(0, stripped.precision() - stripped.scale());
      if (integerDigits > type.length() - type.scale()) {
        throw reject("too many digits before the decimal point; widen the precision");
      }
      return exact.toPlainString();
    }

    String toBoolean() throws ValueRejectedException {
      if (value instanceof Value.Bool b) {
        return encoding.bool(b.value());
      }
      throw reject("it is not a Boolean; map the field as text or jsonb");
    }

    String toTimestamp() throws ValueRejectedException {
      return encoding.timestamp(instant());
    }

    String toDate() throws ValueRejectedException {
      Instant instant = instant();
      LocalDate day = LocalDate.ofInstant(instant, ZoneOffset.UTC);
      if (!day.atStartOfDay(ZoneOffset.UTC).toInstant().equals(instant)) {
        throw reject("it has a time of day that a date column would drop; use timestamptz");
      }
      return encoding.date(day);
    }

    /** The Date as an instant, in the years every target database stores. */
    private Instant instant() throws ValueRejectedException {
      if (value instanceof Value.DateTime dt) {
        if (dt.epochMillis() < MIN_ISO_MILLIS || dt.epochMillis() > MAX_ISO_MILLIS) {
          throw reject("it lies outside the years 1 to 9999; map the field as bigint or jsonb");
        }
        return Instant.ofEpochMilli(dt.epochMillis());
      }
      throw reject("it is not a Date; map the field as text or jsonb");
    }

    String toUuid() throws ValueRejectedException {
      if (value instanceof Value.Uuid u) {
        return u.value().toString();
      } else if (value instanceof Value.Text t) {
        try {
          return UUID.fromString(t.value()).toString();
        } catch (IllegalArgumentException e) {
          throw reject("it is not a UUID");
        }
      }
      throw reject("it is not a UUID; map the field as text, bytea or jsonb");
    }

    String toBytea() throws ValueRejectedException {
      if (value instanceof Value.Binary b) {
        return encoding.binary(b.bytes());
      }
      throw reject("it is not binary data; map the field as text or jsonb");
    }
  }
}
