package io.tidemark.sink.jdbc.dialect.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.tidemark.core.mapping.ColumnValueConverter;
import io.tidemark.core.mapping.SqlType;
import io.tidemark.core.value.Value;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL's text input forms of the values core's converter hands over: what {@code COPY} and
 * the upsert's casts receive for each column type. Whether a value fits is core's to test ({@code
 * ColumnValueConverterTest}); the array literal's syntax is {@link ArrayLiteralTest}'s.
 */
class PostgresValueEncodingTest {
  private static final ColumnValueConverter CONVERTER =
      new ColumnValueConverter(PostgresValueEncoding.INSTANCE);

  /** A source value, its column type, and the text PostgreSQL is given for it. */
  private record Case(Value value, String type, String expected) {}

  private static Value.Decimal decimal(String text) {
    return new Value.Decimal(new BigDecimal(text), null);
  }

  private static Value.Array array(Value... elements) {
    return new Value.Array(List.of(elements), "[\"the source's JSON\"]");
  }

  private static void assertConverted(List<Case> cases) throws Exception {
    SoftAssertions softly = new SoftAssertions();
    for (Case c : cases) {
      SqlType type = SqlType.parse(c.type()).orElseThrow();
      softly
          .assertThat(CONVERTER.convert(c.value(), type, "f", "c"))
          .as("%s into %s", c.value(), c.type())
          .isEqualTo(c.expected());
    }
    softly.assertAll();
  }

  @Test
  void nonFiniteNumbersAreWrittenAsFloat8AndNumericReadThem() throws Exception {
    assertConverted(
        List.of(
            new Case(new Value.Double(Double.NaN), "float8", "NaN"),
            new Case(new Value.Double(Double.NEGATIVE_INFINITY), "double", "-Infinity"),
            new Case(new Value.Decimal(null, "Infinity"), "double precision", "Infinity"),
            new Case(new Value.Decimal(null, "NaN"), "numeric", "NaN"),
            new Case(new Value.Decimal(null, "-Infinity"), "numeric", "-Infinity"),
            new Case(new Value.Double(Double.NaN), "numeric", "NaN")));
  }

  @Test
  void timestampsAreIsoInUtcWithMillisecondsOnlyWhenThereAreAny() throws Exception {
    assertConverted(
        List.of(
            new Case(new Value.DateTime(0), "timestamptz", "1970-01-01T00:00:00Z"),
            new Case(new Value.DateTime(-1), "timestamptz", "1969-12-31T23:59:59.999Z"),
            new Case(
                new Value.DateTime(-14_182_940_000L),
                "timestamp with time zone",
                "1969-07-20T20:17:40Z"),
            new Case(
                new Value.DateTime(1_700_000_000_123L), "timestamptz", "2023-11-14T22:13:20.123Z"),
            new Case(new Value.DateTime(-62135596800000L), "timestamptz", "0001-01-01T00:00:00Z")));
    assertThat(PostgresValueEncoding.INSTANCE.timestamp(Instant.parse("9999-12-31T23:59:59.999Z")))
        .isEqualTo("9999-12-31T23:59:59.999Z");
  }

  @Test
  void datesAreIso() throws Exception {
    assertConverted(
        List.of(
            new Case(new Value.DateTime(1_709_251_200_000L), "date", "2024-03-01"),
            new Case(new Value.DateTime(-86_400_000L), "date", "1969-12-31")));
    assertThat(PostgresValueEncoding.INSTANCE.date(LocalDate.of(1, 1, 1))).isEqualTo("0001-01-01");
  }

  @Test
  void booleansAndByteaAreWrittenInTheirInputForms() throws Exception {
    assertConverted(
        List.of(
            new Case(new Value.Bool(true), "boolean", "true"),
            new Case(new Value.Bool(false), "bool", "false"),
            new Case(
                new Value.Binary(0, new byte[] {0x00, 0x1f, (byte) 0xab, (byte) 0xff}),
                "bytea",
                "\\x001fabff"),
            new Case(new Value.Binary(0x80, new byte[0]), "bytea", "\\x")));
  }

  @Test
  void arrayElementsAreQuotedInTheirElementTypesForm() throws Exception {
    assertConverted(
        List.of(
            new Case(
                array(new Value.Int64(Long.MIN_VALUE), new Value.Null(), decimal("4.00")),
                "bigint[]",
                "{\"-9223372036854775808\",NULL,\"4\"}"),
            new Case(array(), "bigint[]", "{}"),
            new Case(array(new Value.Null()), "bigint[]", "{NULL}"),
            new Case(
                array(
                    new Value.Double(Double.POSITIVE_INFINITY),
                    new Value.Double(Double.NaN),
                    new Value.Double(-2.5)),
                "double precision[]",
                "{\"Infinity\",\"NaN\",\"-2.5\"}"),
            new Case(
                array(new Value.Decimal(null, "NaN"), decimal("-0.50")),
                "numeric[]",
                "{\"NaN\",\"-0.50\"}"),
            new Case(
                array(new Value.Bool(false), new Value.Null(), new Value.Bool(true)),
                "boolean[]",
                "{\"false\",NULL,\"true\"}")));
  }

  @Test
  void textArrayQuotesEveryElementSoNoTextReadsAsSyntax() throws Exception {
    assertConverted(
        List.of(
            new Case(
                array(
                    new Value.Text("plain"),
                    new Value.Text("say \"hi\""),
                    new Value.Text("C:\\dir"),
                    new Value.Text("a, b"),
                    new Value.Text("{braces}"),
                    new Value.Text("NULL"),
                    new Value.Text(""),
                    new Value.Text(" spaced "),
                    new Value.Null(),
                    new Value.Int32(7),
                    new Value.ObjectId("65a1b2c3d4e5f60718293a4b")),
                "text[]",
                "{\"plain\",\"say \\\"hi\\\"\",\"C:\\\\dir\",\"a, b\",\"{braces}\",\"NULL\",\"\","
                    + "\" spaced \",NULL,\"7\",\"65a1b2c3d4e5f60718293a4b\"}")));
  }
}
