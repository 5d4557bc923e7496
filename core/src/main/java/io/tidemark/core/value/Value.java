package io.tidemark.core.value;

import java.math.BigDecimal;
import java.util.UUID;

/**
 * A source value in core's own terms, free of BSON types. Each variant names the source type it
 * came from so that a mapping can decide exactly which conversions are lossless.
 */
public sealed interface Value {

  /** The source type's name as users know it (for error messages), e.g. {@code Decimal128}. */
  String typeName();

  /** The field is absent from the document. */
  record Missing() implements Value {
    public String typeName() {
      return "missing";
    }
  }

  record Null() implements Value {
    public String typeName() {
      return "null";
    }
  }

  record Text(String value) implements Value {
    public String typeName() {
      return "String";
    }
  }

  record Int32(int value) implements Value {
    public String typeName() {
      return "Int32";
    }
  }

  record Int64(long value) implements Value {
    public String typeName() {
      return "Int64";
    }
  }

  record Double(double value) implements Value {
    public String typeName() {
      return "Double";
    }
  }

  /**
   * A Decimal128. {@code value} is null for the special values; then {@code special} is one of
   * {@code NaN}, {@code Infinity}, {@code -Infinity}. A negative zero ({@code -0.00}), which
   * BigDecimal cannot hold, has {@code value} zero, which numeric columns store, and {@code
   * special} its text, which JSON keeps; otherwise {@code special} is null.
   */
  record Decimal(BigDecimal value, String special) implements Value {
    public String typeName() {
      return "Decimal128";
    }
  }

  record Bool(boolean value) implements Value {
    public String typeName() {
      return "Boolean";
    }
  }

  /** A BSON Date: milliseconds since the epoch, any sign. */
  record DateTime(long epochMillis) implements Value {
    public String typeName() {
      return "Date";
    }
  }

  record ObjectId(String hex) implements Value {
    public String typeName() {
      return "ObjectId";
    }
  }

  record Uuid(UUID value) implements Value {
    public String typeName() {
      return "UUID";
    }
  }

  record Binary(int subtype, byte[] bytes) implements Value {
    public Binary {
      bytes = bytes.clone();
    }

    /** A copy: values are immutable. */
    @Override
    public byte[] bytes() {
      return bytes.clone();
    }

    public String typeName() {
      return "Binary";
    }
  }

  /**
   * An array: its elements, for array columns, and the source's own relaxed Extended JSON of it,
   * for {@code jsonb} and {@code text} columns (so those keep exactly what the source wrote).
   *
   * <p>A source may hand over a list that converts each element only when it is read, so that an
   * array stored as JSON costs no element conversion; the list must not change afterwards.
   */
  record Array(java.util.List<Value> elements, String json) implements Value {
    public Array {
      elements = java.util.Collections.unmodifiableList(elements);
      java.util.Objects.requireNonNull(json, "json");
    }

    public String typeName() {
      return "Array";
    }
  }

  /** A sub-document or a type with no scalar column form, as relaxed Extended JSON. */
  record Json(String sourceType, String json) implements Value {
    public String typeName() {
      return sourceType;
    }
  }
}
