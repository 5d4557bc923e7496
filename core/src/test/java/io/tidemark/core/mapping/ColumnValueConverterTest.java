package io.tidemark.core.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.tidemark.core.testing.JsonCheck;
import io.tidemark.core.testing.TaggedValueEncoding;
import io.tidemark.core.value.Value;
import java.math.BigDecimal;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What fits which column, and what is handed to the target's encoding: the tagged test encoding
 * shows which of its methods spelled a value, and from what ({@code
 * timestamp:1970-01-01T00:00:00Z}). PostgreSQL's spellings are tested in sink-jdbc ({@code
 * PostgresValueEncodingTest}).
 */
class ColumnValueConverterTest {
  private static final String FIELD = "order.total";
  private static final String COLUMN = "total_col";
  private static final ColumnValueConverter CONVERTER =
      new ColumnValueConverter(TaggedValueEncoding.INSTANCE);

  private static String convert(Value value, String type) throws ValueRejectedException {
    return CONVERTER.convert(value, SqlType.parse(type).orElseThrow(), FIELD, COLUMN);
  }

  /** The rejection's reason, after checking that it names the field and the column. */
  private static String rejection(Value value, String type) {
    ValueRejectedException e =
        catchThrowableOfType(ValueRejectedException.class, () -> convert(value, type));
    assertThat(e).as("%s into %s should be rejected", value, type).isNotNull();
    assertThat(e.field()).isEqualTo(FIELD);
    assertThat(e.column()).isEqualTo(COLUMN);
    assertThat(e.reason())
        .contains(
            "cannot be stored in column " + COLUMN + " " + SqlType.parse(type).orElseThrow().ddl());
    return e.reason();
  }

  private static Value.Decimal decimal(String text) {
    return new Value.Decimal(new BigDecimal(text), null);
  }

  private static final Value.Decimal NAN = new Value.Decimal(null, "NaN");

  @Test
  void missingAndNullAreSqlNullForEveryType() throws Exception {
    for (SqlType.Kind kind : SqlType.Kind.values()) {
      SqlType type = new SqlType(kind, kind == SqlType.Kind.VARCHAR ? 5 : 0, 0);
      assertThat(CONVERTER.convert(new Value.Missing(), type, FIELD, COLUMN)).isNull();
      assertThat(CONVERTER.convert(new Value.Null(), type, FIELD, COLUMN)).isNull();
      if (type.isArrayElement()) {
        assertThat(CONVERTER.convert(new Value.Missing(), type.arrayOf(), FIELD, COLUMN)).isNull();
        assertThat(CONVERTER.convert(new Value.Null(), type.arrayOf(), FIELD, COLUMN)).isNull();
      }
    }
  }

  // ---- numeric ----

  @Test
  void numericWithScaleAcceptsValuesThatFit() throws Exception {
    assertThat(convert(decimal("12.34"), "numeric(12,2)")).isEqualTo("12.34");
    assertThat(convert(decimal("12.340"), "numeric(12,2)")).isEqualTo("12.340");
    assertThat(convert(new Value.Double(12.34), "numeric(12,2)")).isEqualTo("12.34");
    assertThat(convert(new Value.Int32(-7), "numeric(12,2)")).isEqualTo("-7");
    assertThat(convert(new Value.Int64(9_999_999_999L), "numeric(12,2)")).isEqualTo("9999999999");
    assertThat(convert(decimal("1E+2"), "numeric(3,0)")).isEqualTo("100");
    assertThat(convert(new Value.Int32(0), "numeric(3,1)")).isEqualTo("0");
  }

  @Test
  void numericRejectsRoundingInsteadOfRounding() {
    assertThat(rejection(decimal("12.345"), "numeric(12,2)"))
        .isEqualTo(
            "Decimal128 '{\"$numberDecimal\":\"12.345\"}' cannot be stored in column total_col"
                + " numeric(12,2): it has 3 decimal places and the column keeps 2, so it would be rounded;"
                + " widen the scale or use numeric");
    assertThat(rejection(new Value.Double(0.125), "numeric(12,2)"))
        .contains("it has 3 decimal places");
  }

  @Test
  void numericRejectsTooManyIntegerDigits() {
    assertThat(rejection(decimal("12345678901.5"), "numeric(12,2)"))
        .endsWith(": too many digits before the decimal point; widen the precision");
    assertThat(rejection(new Value.Int32(1000), "numeric(3,0)")).contains("too many digits");
  }

  @Test
  void decimalNanIsRejectedByConstrainedNumericAndKeptByUnconstrained() throws Exception {
    assertThat(rejection(NAN, "numeric(10,2)"))
        .endsWith(": it is not a finite number; use unconstrained numeric or jsonb");
    assertThat(convert(NAN, "numeric")).isEqualTo("nonFinite:NaN");
    assertThat(convert(new Value.Decimal(null, "-Infinity"), "numeric"))
        .isEqualTo("nonFinite:-Infinity");
    assertThat(convert(new Value.Double(Double.NaN), "numeric")).isEqualTo("nonFinite:NaN");
  }

  @Test
  void unconstrainedNumericKeepsEveryDigit() throws Exception {
    assertThat(convert(decimal("123456789012345678901234567890.000000001"), "numeric"))
        .isEqualTo("123456789012345678901234567890.000000001");
    assertThat(convert(decimal("1E+3"), "numeric")).isEqualTo("1000");
    assertThat(convert(new Value.Double(0.1), "numeric")).isEqualTo("0.1");
    assertThat(rejection(new Value.Text("12"), "numeric"))
        .endsWith(": it is not a number; map the field as text or jsonb");
  }

  /** numeric(p,p) holds values below 1 in magnitude, zero included (PostgreSQL accepts 0.00). */
  @Test
  void numericWithOnlyFractionDigitsAcceptsZero() throws Exception {
    assertThat(convert(decimal("0.5"), "numeric(2,2)")).isEqualTo("0.5");
    assertThat(convert(new Value.Int32(0), "numeric(2,2)")).isEqualTo("0");
    assertThat(convert(decimal("0.00"), "numeric(2,2)")).isEqualTo("0.00");
  }

  @Test
  void numericWithOnlyFractionDigitsAcceptsNonZeroFractions() throws Exception {
    assertThat(convert(decimal("0.5"), "numeric(2,2)")).isEqualTo("0.5");
    assertThat(convert(decimal("-0.99"), "numeric(2,2)")).isEqualTo("-0.99");
    assertThat(rejection(decimal("1.5"), "numeric(2,2)")).contains("too many digits");
  }

  // ---- integers ----

  @Test
  void integerAcceptsExactIntegralValues() throws Exception {
    assertThat(convert(new Value.Int32(Integer.MIN_VALUE), "integer")).isEqualTo("-2147483648");
    assertThat(convert(new Value.Int64(Integer.MAX_VALUE), "integer")).isEqualTo("2147483647");
    assertThat(convert(new Value.Double(3.0), "integer")).isEqualTo("3");
    assertThat(convert(decimal("42.000"), "int4")).isEqualTo("42");
    assertThat(convert(new Value.Int64(Long.MIN_VALUE), "bigint"))
        .isEqualTo("-9223372036854775808");
  }

  @Test
  void integerOverflowIsRejected() {
    assertThat(rejection(new Value.Int64(Integer.MAX_VALUE + 1L), "integer"))
        .isEqualTo(
            "Int64 '2147483648' cannot be stored in column total_col integer: out of range; use bigint or numeric");
    assertThat(rejection(new Value.Int64(Integer.MIN_VALUE - 1L), "integer"))
        .endsWith("out of range; use bigint or numeric");
    assertThat(rejection(decimal("9223372036854775808"), "bigint"))
        .endsWith("out of range; use bigint or numeric");
    assertThat(rejection(new Value.Double(1e19), "bigint"))
        .endsWith("out of range; use bigint or numeric");
  }

  @Test
  void integerRejectsFractionsAndNonNumbers() {
    assertThat(rejection(new Value.Double(2.5), "integer"))
        .endsWith(": it has a fractional part that would be lost; use numeric or double precision");
    assertThat(rejection(new Value.Double(Double.POSITIVE_INFINITY), "bigint"))
        .endsWith(": it is not a finite number; use double precision or jsonb");
    assertThat(rejection(new Value.Bool(true), "integer"))
        .endsWith(": it is not a number; map the field as text or jsonb");
    assertThat(rejection(new Value.Text("7"), "bigint"))
        .endsWith(": it is not a number; map the field as text or jsonb");
  }

  // ---- double precision ----

  @Test
  void doubleAcceptsExactValues() throws Exception {
    assertThat(convert(new Value.Double(1.5), "double precision")).isEqualTo("1.5");
    assertThat(convert(new Value.Double(Double.NaN), "float8")).isEqualTo("nonFinite:NaN");
    assertThat(convert(new Value.Double(Double.NEGATIVE_INFINITY), "double"))
        .isEqualTo("nonFinite:-Infinity");
    assertThat(convert(new Value.Int32(-5), "double precision")).isEqualTo("-5");
    assertThat(convert(new Value.Int64(1L << 53), "double precision"))
        .isEqualTo("9007199254740992");
    assertThat(convert(new Value.Int64(-(1L << 53)), "double precision"))
        .isEqualTo("-9007199254740992");
    assertThat(convert(decimal("0.5"), "double precision")).isEqualTo("0.5");
    assertThat(convert(new Value.Decimal(null, "Infinity"), "double precision"))
        .isEqualTo("nonFinite:Infinity");
  }

  @Test
  void doubleRejectsInt64AboveTwoToThe53() {
    assertThat(rejection(new Value.Int64((1L << 53) + 1), "double precision"))
        .isEqualTo(
            "Int64 '9007199254740993' cannot be stored in column total_col double precision:"
                + " a double holds integers exactly only up to 2^53; use bigint or numeric");
    assertThat(rejection(new Value.Int64(Long.MAX_VALUE), "double precision")).contains("2^53");
  }

  @Test
  void doubleRejectsDecimalsItCannotHoldExactly() {
    assertThat(rejection(decimal("0.1"), "double precision"))
        .endsWith("a double cannot hold it exactly; use numeric");
    assertThat(rejection(decimal("1E+400"), "double precision"))
        .endsWith("a double cannot hold it exactly; use numeric");
    assertThat(rejection(new Value.Text("1.5"), "double precision")).contains("it is not a number");
  }

  // ---- time ----

  @Test
  void timestamptzTakesDatesOnBothSidesOf1970() throws Exception {
    assertThat(convert(new Value.DateTime(0), "timestamptz"))
        .isEqualTo("timestamp:1970-01-01T00:00:00Z");
    assertThat(convert(new Value.DateTime(-1), "timestamptz"))
        .isEqualTo("timestamp:1969-12-31T23:59:59.999Z");
    assertThat(convert(new Value.DateTime(-14_182_940_000L), "timestamp with time zone"))
        .isEqualTo("timestamp:1969-07-20T20:17:40Z");
    assertThat(convert(new Value.DateTime(1_700_000_000_123L), "timestamptz"))
        .isEqualTo("timestamp:2023-11-14T22:13:20.123Z");
    assertThat(convert(new Value.DateTime(-62135596800000L), "timestamptz"))
        .isEqualTo("timestamp:0001-01-01T00:00:00Z");
    assertThat(convert(new Value.DateTime(253402300799999L), "timestamptz"))
        .isEqualTo("timestamp:9999-12-31T23:59:59.999Z");
  }

  @Test
  void timestamptzRejectsDatesOutsideYears1To9999AndNonDates() {
    assertThat(rejection(new Value.DateTime(-62135596800001L), "timestamptz"))
        .endsWith("it lies outside the years 1 to 9999; map the field as bigint or jsonb");
    assertThat(rejection(new Value.DateTime(253402300800000L), "timestamptz"))
        .contains("outside the years 1 to 9999");
    assertThat(rejection(new Value.Text("2024-01-01"), "timestamptz"))
        .endsWith("it is not a Date; map the field as text or jsonb");
    assertThat(rejection(new Value.Int64(0), "timestamptz")).contains("it is not a Date");
  }

  @Test
  void dateTakesMidnightAndRejectsTimeOfDay() throws Exception {
    assertThat(convert(new Value.DateTime(1_709_251_200_000L), "date"))
        .isEqualTo("date:2024-03-01");
    assertThat(convert(new Value.DateTime(-86_400_000L), "date")).isEqualTo("date:1969-12-31");
    assertThat(rejection(new Value.DateTime(1_709_251_200_001L), "date"))
        .isEqualTo(
            "Date '{\"$date\":\"2024-03-01T00:00:00.001Z\"}' cannot be stored in column total_col date:"
                + " it has a time of day that a date column would drop; use timestamptz");
    assertThat(rejection(new Value.DateTime(-1), "date")).contains("time of day");
    assertThat(rejection(new Value.DateTime(253402300800000L), "date"))
        .contains("outside the years 1 to 9999");
    assertThat(rejection(new Value.Text("2024-03-01"), "date")).contains("it is not a Date");
  }

  // ---- text ----

  @Test
  void textTakesEveryScalarInItsReadableForm() throws Exception {
    assertThat(convert(new Value.Text("héllo"), "text")).isEqualTo("héllo");
    assertThat(convert(new Value.ObjectId("65a1b2c3d4e5f60718293a4b"), "text"))
        .isEqualTo("65a1b2c3d4e5f60718293a4b");
    assertThat(convert(new Value.Int64(-12), "text")).isEqualTo("-12");
    assertThat(convert(new Value.Double(1.25), "text")).isEqualTo("1.25");
    assertThat(convert(decimal("1.50"), "text")).isEqualTo("1.50");
    assertThat(convert(new Value.Bool(false), "text")).isEqualTo("false");
    assertThat(convert(new Value.DateTime(0), "text")).isEqualTo("1970-01-01T00:00:00Z");
    assertThat(convert(new Value.Json("Document", "{\"a\":1}"), "text")).isEqualTo("{\"a\":1}");
  }

  @Test
  void varcharCountsCharactersNotCodeUnits() throws Exception {
    assertThat(convert(new Value.Text("héllo"), "varchar(5)")).isEqualTo("héllo");
    assertThat(convert(new Value.Text("\uD83D\uDE00\uD83D\uDE00"), "varchar(2)"))
        .isEqualTo("\uD83D\uDE00\uD83D\uDE00");
    assertThat(convert(new Value.Int32(12345), "character varying(5)")).isEqualTo("12345");
    assertThat(rejection(new Value.Text("toolong"), "varchar(5)"))
        .isEqualTo(
            "String '\"toolong\"' cannot be stored in column total_col varchar(5): it has 7 characters,"
                + " more than 5; widen the column or map it as text");
  }

  @Test
  void longValuesAreShortenedInTheMessage() {
    String reason = rejection(new Value.Text("x".repeat(100)), "varchar(5)");
    assertThat(reason).startsWith("String '\"" + "x".repeat(56) + "...' cannot be stored");
  }

  // ---- other types ----

  @Test
  void booleanTakesOnlyBooleans() throws Exception {
    assertThat(convert(new Value.Bool(true), "boolean")).isEqualTo("bool:true");
    assertThat(convert(new Value.Bool(false), "boolean")).isEqualTo("bool:false");
    assertThat(rejection(new Value.Text("true"), "bool"))
        .endsWith("it is not a Boolean; map the field as text or jsonb");
    assertThat(rejection(new Value.Int32(1), "boolean")).contains("it is not a Boolean");
  }

  @Test
  void uuidTakesUuidsAndUuidText() throws Exception {
    UUID id = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
    assertThat(convert(new Value.Uuid(id), "uuid"))
        .isEqualTo("123e4567-e89b-12d3-a456-426614174000");
    assertThat(convert(new Value.Text("123E4567-E89B-12D3-A456-426614174000"), "uuid"))
        .isEqualTo("123e4567-e89b-12d3-a456-426614174000");
    assertThat(rejection(new Value.Text("not-a-uuid"), "uuid")).endsWith(": it is not a UUID");
    assertThat(rejection(new Value.Binary(0, new byte[16]), "uuid"))
        .endsWith("it is not a UUID; map the field as text, bytea or jsonb");
  }

  @Test
  void byteaTakesBinaryDataOfEverySubtype() throws Exception {
    assertThat(
            convert(
                new Value.Binary(0, new byte[] {0x00, 0x1f, (byte) 0xab, (byte) 0xff}), "bytea"))
        .isEqualTo("binary:001fabff");
    assertThat(convert(new Value.Binary(0x80, new byte[0]), "bytea")).isEqualTo("binary:");
    assertThat(rejection(new Value.Text("abc"), "bytea"))
        .endsWith("it is not binary data; map the field as text or jsonb");
  }

  @Test
  void jsonbOfEveryValueVariantIsValidJson() throws Exception {
    List<Value> values =
        List.of(
            new Value.Text("quote \" backslash \\ newline \n bell \u0007 é"),
            new Value.Int32(Integer.MIN_VALUE),
            new Value.Int64(Long.MAX_VALUE),
            new Value.Double(1.5),
            new Value.Double(-0.0),
            new Value.Double(1e300),
            new Value.Double(4.9e-324),
            new Value.Double(Double.NaN),
            new Value.Double(Double.NEGATIVE_INFINITY),
            new Value.Decimal(new BigDecimal("1.23E+5"), null),
            NAN,
            new Value.Bool(true),
            new Value.DateTime(0),
            new Value.DateTime(-62135596800001L),
            new Value.ObjectId("65a1b2c3d4e5f60718293a4b"),
            new Value.Uuid(UUID.randomUUID()),
            new Value.Binary(0x80, new byte[] {1, 2, 3}),
            new Value.Json("Document", "{\"a\": [1, {\"b\": null}]}"));
    for (Value v : values) {
      String json = convert(v, "jsonb");
      assertThat(JsonCheck.problem(json)).as("jsonb of %s: %s", v, json).isNull();
    }
    assertThat(convert(new Value.Int32(7), "jsonb")).isEqualTo("7");
    assertThat(convert(new Value.Binary(0x80, new byte[] {1, 2, 3}), "jsonb"))
        .isEqualTo("{\"$binary\":{\"base64\":\"AQID\",\"subType\":\"80\"}}");
  }

  // ---- arrays ----

  private static Value.Array array(Value... elements) {
    return new Value.Array(List.of(elements), "[\"the source's JSON\"]");
  }

  /** The rejection's reason for one element, after checking it names the element and column. */
  private static String elementRejection(Value value, String type, int index) {
    ValueRejectedException e =
        catchThrowableOfType(ValueRejectedException.class, () -> convert(value, type));
    assertThat(e).as("%s into %s should be rejected", value, type).isNotNull();
    assertThat(e.field()).isEqualTo(FIELD + "[" + index + "]");
    assertThat(e.column()).isEqualTo(COLUMN);
    assertThat(e.reason()).contains("cannot be stored in column " + COLUMN + " " + type);
    assertThat(e.describe("orders", "c17"))
        .isEqualTo("orders." + FIELD + "[" + index + "] (document _id c17): " + e.reason());
    return e.reason();
  }

  @Test
  void bigintArrayTakesIntegralElementsAndNullElements() throws Exception {
    assertThat(
            convert(
                array(
                    new Value.Int32(-1),
                    new Value.Int64(Long.MAX_VALUE),
                    new Value.Null(),
                    new Value.Double(3.0),
                    decimal("4.00")),
                "bigint[]"))
        .isEqualTo("array[-1, 9223372036854775807, null, 3, 4]");
    assertThat(convert(array(), "bigint[]")).isEqualTo("array[]");
    assertThat(convert(array(new Value.Null()), "bigint[]")).isEqualTo("array[null]");
  }

  /** How the elements are quoted is the encoding's business (PostgresValueEncodingTest). */
  @Test
  void textArrayHandsOnEachElementsTextUnquoted() throws Exception {
    assertThat(
            convert(
                array(
                    new Value.Text("say \"hi\""),
                    new Value.Text("NULL"),
                    new Value.Text(""),
                    new Value.Null(),
                    new Value.Int32(7),
                    new Value.ObjectId("65a1b2c3d4e5f60718293a4b")),
                "text[]"))
        .isEqualTo("array[say \"hi\", NULL, , null, 7, 65a1b2c3d4e5f60718293a4b]");
  }

  @Test
  void otherElementTypesFollowTheirScalarRules() throws Exception {
    assertThat(
            convert(
                array(new Value.Double(0.1), new Value.Double(Double.NaN), new Value.Int32(2)),
                "double precision[]"))
        .isEqualTo("array[0.1, nonFinite:NaN, 2]");
    assertThat(convert(array(decimal("12.30"), new Value.Int32(5)), "numeric(12,2)[]"))
        .isEqualTo("array[12.30, 5]");
    assertThat(convert(array(new Value.Bool(true), new Value.Bool(false)), "boolean[]"))
        .isEqualTo("array[bool:true, bool:false]");
    assertThat(convert(array(new Value.Int32(Integer.MIN_VALUE)), "integer[]"))
        .isEqualTo("array[-2147483648]");
  }

  @Test
  void anElementThatDoesNotFitIsRefusedByItsIndex() {
    assertThat(
            elementRejection(
                array(
                    new Value.Int32(1),
                    new Value.Int32(2),
                    new Value.Null(),
                    new Value.Text("x"),
                    new Value.Int32(5)),
                "bigint[]",
                3))
        .isEqualTo(
            "String '\"x\"' cannot be stored in column total_col bigint[]: it is not a number;"
                + " map the field as text or jsonb");
    assertThat(elementRejection(array(new Value.Double(1.5)), "bigint[]", 0))
        .contains("fractional part");
    assertThat(
            elementRejection(array(new Value.Int32(1), new Value.Int64(1L << 40)), "integer[]", 1))
        .contains("out of range");
    assertThat(elementRejection(array(decimal("1.234")), "numeric(12,2)[]", 0))
        .contains("it has 3 decimal places and the column keeps 2");
    assertThat(elementRejection(array(new Value.Int32(1)), "boolean[]", 0))
        .contains("it is not a Boolean");
    assertThat(elementRejection(array(new Value.Text("ok"), new Value.Text("a\0b")), "text[]", 1))
        .contains("NUL character");
  }

  @Test
  void nestedDocumentsAndArraysAreRefusedByTheirIndex() {
    assertThat(
            elementRejection(
                array(new Value.Text("a"), new Value.Json("Document", "{\"k\": 1}")), "text[]", 1))
        .isEqualTo(
            "Document '{\"k\": 1}' cannot be stored in column total_col text[]: an array column"
                + " holds single numbers, strings or Booleans, not a nested Document; map the field"
                + " as jsonb");
    assertThat(
            elementRejection(
                array(new Value.Array(List.of(new Value.Int32(1)), "[1]")), "bigint[]", 0))
        .contains("not a nested Array");
  }

  @Test
  void aValueThatIsNotAnArrayIsRefusedInAnArrayColumn() {
    assertThat(rejection(new Value.Int32(1), "bigint[]"))
        .isEqualTo(
            "Int32 '1' cannot be stored in column total_col bigint[]: it is not an array;"
                + " map the field as bigint or jsonb");
    assertThat(rejection(new Value.Text("a,b"), "text[]")).contains("map the field as text or");
  }

  @Test
  void anArrayInAScalarColumnKeepsTheSourcesJson() throws Exception {
    Value.Array value = new Value.Array(List.of(new Value.Int32(1)), "[1, \"two\"]");
    assertThat(convert(value, "jsonb")).isEqualTo("[1, \"two\"]");
    assertThat(convert(value, "text")).isEqualTo("[1, \"two\"]");
    assertThat(rejection(value, "bigint")).contains("it is not a number");
  }
}
