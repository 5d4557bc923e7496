package io.tidemark.core.mapping;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * How the target database spells the column values whose text input form is its own: arrays, binary
 * data, Booleans, dates and times, and the numbers that are not finite. {@link
 * ColumnValueConverter} decides whether a value fits its column without loss and what it is (an
 * instant, a day, bytes); the encoding only writes it down. Numbers, text, UUIDs and JSON have one
 * standard text form, which the converter writes itself.
 *
 * <p>The sink provides it ({@link io.tidemark.core.spi.ChangeSink#valueEncoding()}): the strings it
 * returns are what the sink receives in {@link MappedRow#values()}. Implementations are stateless
 * and thread-safe, since every mapping thread shares one; they are called once per value on the hot
 * path, so they allocate nothing beyond their result and never log. Every argument has passed the
 * converter's checks, so an encoding does not refuse values.
 */
public interface ValueEncoding {

  /**
   * A one-dimensional array column's value.
   *
   * @param elements the elements' text forms, each already converted (and spelled by this encoding)
   *     for the element type; a null element is SQL NULL
   */
  String array(List<String> elements);

  /** A binary column's value. */
  String binary(byte[] bytes);

  /** A Boolean column's value. */
  String bool(boolean value);

  /** A timestamp with time zone, in the years 1 to 9999, at millisecond precision. */
  String timestamp(Instant instant);

  /** A date, in the years 1 to 9999. */
  String date(LocalDate day);

  /**
   * NaN, positive or negative infinity, for a double precision column or an unconstrained numeric
   * column.
   */
  String nonFinite(double value);
}
